using Gordo.Core.Config;
using Gordo.Data;
using Microsoft.FSharp.Core;
using ConfigMachine = Gordo.Core.Config.Machine;
using CoreDataset = Gordo.Data.Dataset;

namespace Gordo.Interop;

/// <summary>Fetches the training data of a machine in a Gordo config, as Gordo would.</summary>
public static class Datasets
{
    /// <summary>
    /// Compiles the config, finds the machine, fetches its tags from the configured data provider,
    /// resamples, joins and filters them, and returns X and y.
    /// </summary>
    /// <param name="configPath">Path of the Gordo config (YAML).</param>
    /// <param name="machine">Machine name.</param>
    /// <param name="cancellationToken">Cancels provider calls.</param>
    /// <returns>The machine's dataset.</returns>
    /// <exception cref="GordoDatasetException">The config has errors, the machine is unknown,
    /// or the data cannot be fetched.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static Task<MachineDataset> FetchAsync(
        string configPath, string machine, CancellationToken cancellationToken = default) =>
        FetchAsync(configPath, machine, ConfigLoadOptions.Default, cancellationToken);

    /// <summary>
    /// <see cref="FetchAsync(string, string, CancellationToken)"/> with the config compiled under
    /// <paramref name="options"/> (the project name and the default data provider of <c>gordo dataset</c>).
    /// </summary>
    /// <param name="configPath">Path of the Gordo config (YAML).</param>
    /// <param name="machine">Machine name.</param>
    /// <param name="options">The project name and the data provider of datasets that name none.</param>
    /// <param name="cancellationToken">Cancels provider calls.</param>
    /// <returns>The machine's dataset.</returns>
    /// <exception cref="GordoDatasetException">The config has errors, the machine is unknown,
    /// or the data cannot be fetched.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async Task<MachineDataset> FetchAsync(
        string configPath, string machine, ConfigLoadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configPath);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(options);
        var found = FindMachine(configPath, machine, options);
        var request = DatasetRequestModule.ofConfig(found.Dataset);
        if (request.IsError)
        {
            throw Failure(machine, request.ErrorValue.Message);
        }

        var provider = DataProviderRegistry.forDataset(found.Dataset);
        if (provider.IsError)
        {
            throw Failure(machine, provider.ErrorValue.Message);
        }

        var result = await CoreDataset.getDataAsync(provider.ResultValue, request.ResultValue, cancellationToken)
            .ConfigureAwait(false);
        if (result.IsError)
        {
            throw Failure(machine, result.ErrorValue.Message);
        }

        return Convert(machine, result.ResultValue);
    }

    private static GordoDatasetException Failure(string machine, string message) =>
        new($"machine '{machine}': {message}");

    private static ConfigMachine FindMachine(string configPath, string machine, ConfigLoadOptions options)
    {
        var compilation = Compiler.compileFile(Boundary.Options(options), configPath);
        if (FSharpOption<Project>.get_IsNone(compilation.Project))
        {
            var lines = compilation.Diagnostics.Select(
                d => $"{d.Position.File}:{d.Position.Line}:{d.Position.Column}: {d.Code}: {d.Message}");
            throw new GordoDatasetException(string.Join(Environment.NewLine, lines));
        }

        var machines = compilation.Project.Value.Machines.ToList();
        return machines.FirstOrDefault(m => m.Name == machine)
            ?? throw new GordoDatasetException(
                $"no machine '{machine}' in {configPath} (machines: {string.Join(", ", machines.Select(m => m.Name))})");
    }

    private static MachineDataset Convert(string machine, DatasetResult result) =>
        new(
            machine,
            FrameModule.timestamps(result.X),
            result.X.Columns,
            result.X.Data,
            result.Y.Columns,
            result.Y.Data);
}
