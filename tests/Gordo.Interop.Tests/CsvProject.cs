using System.Globalization;
using System.Text;

namespace Gordo.Interop.Tests;

/// <summary>A one-machine project on hourly CSV data (tags A, B, C; trained on 2020-01-01 to 01-05).</summary>
internal static class CsvProject
{
    /// <summary>Hour <paramref name="i"/> of the default data: a cycle and two tags derived from it.</summary>
    public static double[] CycleRow(int i)
    {
        var x = Math.Sin(i / 6.0);
        return [x, 2 * x + 0.1 * Math.Cos(i), 1 - x];
    }

    /// <summary>Writes 97 hours of <paramref name="row"/> to <c>data.csv</c> and a config for machine
    /// pump-1 with <paramref name="model"/> (YAML, indented to sit under <c>model:</c>) into
    /// <paramref name="dir"/>, followed by <paramref name="machineSections"/> (YAML indented to sit
    /// under the machine, such as <c>    events: {top_tags: 1}</c>); returns the config's path.</summary>
    public static string Write(string dir, string model, Func<int, double[]>? row = null, string machineSections = "")
    {
        row ??= CycleRow;
        Directory.CreateDirectory(dir);
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var csv = new StringBuilder("time,A,B,C\n");
        for (var i = 0; i <= 96; i++)
        {
            var t = start.AddHours(i).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"{t},{string.Join(',', row(i).Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}\n");
        }

        File.WriteAllText(Path.Combine(dir, "data.csv"), csv.ToString());
        var config = Path.Combine(dir, "config.yaml");
        File.WriteAllText(config, $"""
            machines:
              - name: pump-1
                dataset:
                  tags: [A, B, C]
                  train_start_date: 2020-01-01T00:00:00+00:00
                  train_end_date: 2020-01-05T00:00:00+00:00
                  resolution: 1H
                  data_provider:
                    type: CSVDataProvider
                    file_path: {Path.Combine(dir, "data.csv")}
                    timestamp_column: time
                model:
            {model}
            {machineSections}
            """);
        return config;
    }
}
