namespace Gordo.Interop.Tests.Server;

/// <summary>One fitted autoencoder detector over three tags, saved as a served revision.</summary>
internal static class DetectorCollection
{
    public const string Definition = """
        {"gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector": {
            "base_estimator": {"sklearn.pipeline.Pipeline": {"steps": [
                "sklearn.preprocessing.MinMaxScaler",
                {"gordo.machine.model.models.KerasAutoEncoder": {"kind": "feedforward_hourglass", "epochs": 2}}]}}}}
        """;

    public const string Metadata = """
        {"name": "detector", "project_name": "proj",
         "dataset": {"tag_list": ["tag-1", "tag-2", "tag-3"], "target_tag_list": [], "resolution": "10T"}}
        """;

    public static readonly string[] Tags = ["tag-1", "tag-2", "tag-3"];
    public static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary><paramref name="rows"/> rows of three phase-shifted cycles.</summary>
    public static double[,] Cycles(int rows)
    {
        var x = new double[rows, 3];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < 3; j++)
                x[i, j] = Math.Sin(i / 6.0 + j) + 0.1 * j;
        return x;
    }

    /// <summary>A revision directory (<c>.../100</c>) holding the fitted detector as <c>detector</c>.</summary>
    public static (string Directory, GordoModel Model) Collection()
    {
        var data = Cycles(120);
        var model = GordoModel.Fit(Definition, data, data, Tags).WithMetadataJson(Metadata);
        var revision = Path.Combine(Path.GetTempPath(), "gordo-interop-hosting", Guid.NewGuid().ToString("N"), "100");
        model.Save(Path.Combine(revision, "detector"));
        return (revision, model);
    }
}
