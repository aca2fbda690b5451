using Config = Gordo.Core.Config;

namespace Gordo.Interop;

/// <summary>
/// Loads Gordo project configs (YAML: the Gordo custom resource or the bare
/// <c>machines:</c>/<c>globals:</c> form), normalizes and checks them, as <c>gordo validate</c> does.
/// </summary>
public static class GordoConfig
{
    /// <summary>The name used in diagnostics for configs loaded from a string without a name.</summary>
    public const string DefaultTextName = "config.yaml";

    /// <summary>Loads and checks a config file. I/O problems (missing file, bad encoding) become diagnostics.</summary>
    /// <param name="path">The config file.</param>
    /// <param name="options">Project name and default data provider; null for the defaults.</param>
    /// <returns>The diagnostics and, when there are no errors, the normalized machines.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    public static GordoConfigResult Load(string path, ConfigLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Boundary.Result(Config.Compiler.compileFile(Boundary.Options(options), path));
    }

    /// <summary>Loads and checks a config file, reading it with asynchronous file I/O.</summary>
    /// <param name="path">The config file.</param>
    /// <param name="options">Project name and default data provider; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels reading and checking.</param>
    /// <returns>The diagnostics and, when there are no errors, the normalized machines.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async Task<GordoConfigResult> LoadAsync(
        string path,
        ConfigLoadOptions? options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists || info.Length > Config.Compiler.maxFileBytes)
        {
            return Load(path, options);
        }

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Load(path, options);
        }

        // The file is read asynchronously; checking the bytes is CPU work done on this continuation.
        cancellationToken.ThrowIfCancellationRequested();
        return Boundary.Result(Config.Compiler.compileBytes(Boundary.Options(options), path, bytes));
    }

    /// <summary>Loads and checks a config file (read with asynchronous file I/O), with the default options.</summary>
    /// <param name="path">The config file.</param>
    /// <param name="cancellationToken">Cancels reading and checking.</param>
    /// <returns>The diagnostics and, when there are no errors, the normalized machines.</returns>
    public static Task<GordoConfigResult> LoadAsync(string path, CancellationToken cancellationToken = default) =>
        LoadAsync(path, null, cancellationToken);

    /// <summary>Checks config text.</summary>
    /// <param name="yaml">The config as YAML text.</param>
    /// <param name="fileName">The name diagnostics use for the text (default <see cref="DefaultTextName"/>).</param>
    /// <param name="options">Project name and default data provider; null for the defaults.</param>
    /// <returns>The diagnostics and, when there are no errors, the normalized machines.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="yaml"/> is null.</exception>
    public static GordoConfigResult Parse(string yaml, string? fileName = null, ConfigLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var name = string.IsNullOrEmpty(fileName) ? DefaultTextName : fileName;
        return Boundary.Result(Config.Compiler.compileText(Boundary.Options(options), name, yaml));
    }
}
