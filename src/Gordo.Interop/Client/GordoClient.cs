using System.Net.Http.Headers;
using System.Text.Json;

namespace Gordo.Interop;

/// <summary>
/// A typed client for a Gordo ML server's API (spec §5.3) of one project. The
/// <see cref="HttpClient"/>'s <c>BaseAddress</c> is the server root (ending in <c>/</c>, e.g.
/// <c>http://gordo-server:5555/</c> or, for endpoints mapped under a prefix, <c>http://host/ml/</c>).
/// Error replies raise <see cref="GordoApiException"/>. Every method takes an optional revision.
/// </summary>
public sealed partial class GordoClient : IGordoClient
{
    private readonly HttpClient _http;
    private readonly string _project;

    /// <summary>Creates a client for <paramref name="project"/> over <paramref name="httpClient"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="project"/> is null or blank.</exception>
    public GordoClient(HttpClient httpClient, string project)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(project);
        _http = httpClient;
        _project = project;
    }

    /// <summary>The model names of the revision.</summary>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    public async Task<IReadOnlyList<string>> GetModelsAsync(string? revision = null, CancellationToken cancellationToken = default)
    {
        using var body = await GetJsonAsync(Url("models", revision), cancellationToken).ConfigureAwait(false);
        return Strings(body.RootElement.GetProperty("models"));
    }

    /// <summary>The latest and the available revisions.</summary>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    public async Task<GordoRevisions> GetRevisionsAsync(CancellationToken cancellationToken = default)
    {
        using var body = await GetJsonAsync(Url("revisions", null), cancellationToken).ConfigureAwait(false);
        var root = body.RootElement;
        return new GordoRevisions(root.GetProperty("latest").GetString() ?? "", Strings(root.GetProperty("available-revisions")));
    }

    /// <summary>The model names the deployment expects.</summary>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    public async Task<IReadOnlyList<string>> GetExpectedModelsAsync(CancellationToken cancellationToken = default)
    {
        using var body = await GetJsonAsync(Url("expected-models", null), cancellationToken).ConfigureAwait(false);
        return Strings(body.RootElement.GetProperty("expected-models"));
    }

    /// <summary>A model's metadata (tags, targets and the whole document).</summary>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or blank.</exception>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    public async Task<GordoModelMetadata> GetMetadataAsync(string model, string? revision = null, CancellationToken cancellationToken = default)
    {
        using var body = await GetJsonAsync(Url($"{Name(model)}/metadata", revision), cancellationToken).ConfigureAwait(false);
        var metadata = body.RootElement.GetProperty("metadata");
        var dataset = metadata.TryGetProperty("dataset", out var d) ? d : default;
        var tags = TagNames(dataset, "tag_list");
        var targets = TagNames(dataset, "target_tag_list");
        return new GordoModelMetadata(body.RootElement.GetProperty("revision").GetString() ?? "", tags,
            targets.Count == 0 ? tags : targets, metadata.GetRawText());
    }

    /// <summary>The model's output for X (<c>POST .../prediction</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or blank.</exception>
    /// <exception cref="ArgumentNullException">A frame is null.</exception>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    public Task<GordoTable> PredictAsync(string model, GordoFrame x, string? revision = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        return PostAsync(Url($"{Name(model)}/prediction", revision), x, null, cancellationToken);
    }

    /// <summary>
    /// The anomaly table for X and y (<c>POST .../anomaly/prediction</c>); <paramref name="allColumns"/>
    /// also returns the smoothed columns, <paramref name="quality"/> the data-quality columns
    /// (<c>data-quality|&lt;tag&gt;</c>, <c>total-data-quality</c>: <see cref="GordoQualityFlags"/> bits).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or blank.</exception>
    /// <exception cref="ArgumentNullException">A frame is null.</exception>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    public Task<GordoTable> PredictAnomalyAsync(string model, GordoFrame x, GordoFrame y, bool allColumns = false,
        bool quality = false, string? revision = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var url = Url($"{Name(model)}/anomaly/prediction", revision);
        if (allColumns)
            url += (url.Contains('?') ? "&" : "?") + "all_columns=true";
        if (quality)
            url += (url.Contains('?') ? "&" : "?") + "quality=true";
        return PostAsync(url, x, y, cancellationToken);
    }

    /// <summary>
    /// The anomaly events of X and y (<c>POST .../anomaly/events</c>, docs/events.md): X needs a
    /// time index; the model needs thresholds (built with cross-validation).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or blank.</exception>
    /// <exception cref="ArgumentNullException">A frame is null.</exception>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    public async Task<IReadOnlyList<GordoAnomalyEvent>> GetEventsAsync(string model, GordoFrame x, GordoFrame y,
        string? revision = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        using var response = await PostJsonAsync(Url($"{Name(model)}/anomaly/events", revision), x, y, cancellationToken).ConfigureAwait(false);
        using var body = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return body.RootElement.GetProperty("events").EnumerateArray().Select(GordoAnomalyEvent.Parse).ToArray();
    }

    /// <summary>The model artifact as one byte stream (load it with <see cref="GordoModel.LoadFromBytes"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="model"/> is null or blank.</exception>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    public async Task<byte[]> DownloadModelAsync(string model, string? revision = null, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(Url($"{Name(model)}/download-model", revision), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Name(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return Uri.EscapeDataString(model);
    }

    private string Url(string route, string? revision) =>
        $"gordo/v0/{Uri.EscapeDataString(_project)}/{route}" + (revision is null ? "" : $"?revision={Uri.EscapeDataString(revision)}");

    private static IReadOnlyList<string> Strings(JsonElement array) =>
        array.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();

    private static IReadOnlyList<string> TagNames(JsonElement dataset, string key) =>
        dataset.ValueKind == JsonValueKind.Object && dataset.TryGetProperty(key, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.Object ? t.GetProperty("name").GetString() ?? "" : t.GetString() ?? "").ToArray()
            : Array.Empty<string>();

    private async Task<JsonDocument> GetJsonAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GordoTable> PostAsync(string url, GordoFrame x, GordoFrame? y, CancellationToken cancellationToken)
    {
        using var response = await PostJsonAsync(url, x, y, cancellationToken).ConfigureAwait(false);
        using var body = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return GordoTable.Parse(body.RootElement);
    }

    private async Task<HttpResponseMessage> PostJsonAsync(string url, GordoFrame x, GordoFrame? y, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("X");
            x.WriteTo(writer);
            if (y is not null)
            {
                writer.WritePropertyName("y");
                y.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        using var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await _http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw new GordoApiException(response.StatusCode, ErrorText(response, text));
    }

    /// <summary>
    /// The server's JSON error (<c>message</c> or <c>error</c>); for anything else (an HTML page of a
    /// proxy or of a host without Gordo's endpoints, an empty body) a short description, never the page.
    /// </summary>
    internal static string ErrorText(HttpResponseMessage response, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            foreach (var key in new[] { "message", "error" })
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(key, out var m))
                    return m.ToString();
        }
        catch (JsonException)
        {
        }
        var type = response.Content.Headers.ContentType?.MediaType ?? "";
        var where = response.RequestMessage?.RequestUri is { } uri ? $" from {uri}" : "";
        if (string.IsNullOrWhiteSpace(text))
            return $"an empty reply{where} (is the client's BaseAddress the Gordo server's root?)";
        if (type.Contains("html", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('<'))
        {
            var title = System.Text.RegularExpressions.Regex.Match(text, "<title>(.*?)</title>",
                System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline);
            var named = title.Success ? $" titled '{title.Groups[1].Value.Trim()}'" : "";
            return $"an HTML page{named} ({text.Length} characters){where}, not a Gordo server's JSON error (is the client's BaseAddress the Gordo server's root?)";
        }
        var line = text.Trim().Split('\n')[0];
        return line.Length > 300 ? line[..300] + " ..." : line;
    }
}
