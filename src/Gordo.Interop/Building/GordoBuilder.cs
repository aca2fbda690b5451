using Microsoft.FSharp.Collections;
using Builder = Gordo.Build;
using Config = Gordo.Core.Config;

namespace Gordo.Interop;

/// <summary>
/// Builds Gordo models from a project config as <c>gordo local-build</c> does: the config is
/// checked first, then every machine is fetched, cross-validated, fitted and saved; one failing
/// machine does not stop the others.
/// </summary>
/// <remarks>
/// Building is synchronous (the machines are built in parallel on the thread pool while the caller
/// waits; data is fetched on those threads): call it from a background thread or <c>Task.Run</c> to
/// keep a UI or request thread free. Progress and cancellation work the same either way.
/// </remarks>
public static class GordoBuilder
{
    /// <summary>Builds the machines of a config file.</summary>
    /// <param name="configPath">The project config (YAML).</param>
    /// <param name="options">Output directory, cache, parallelism and machine selection.</param>
    /// <param name="progress">Receives every step of every machine (may be null).</param>
    /// <param name="cancellationToken">Cancels the builds still running or waiting (no model of theirs is written).</param>
    /// <returns>One result per machine, in config order. When the output folder cannot be created or written,
    /// every machine fails with <see cref="GordoBuildFailure.Output"/> before any data is fetched. Leftovers of a
    /// killed build in the folder are recovered or removed first.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="GordoConfigException">The config has errors (nothing is built).</exception>
    /// <exception cref="ArgumentException">A machine of <see cref="GordoBuildOptions.Machines"/> is not in the config.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before every machine was built.</exception>
    public static IReadOnlyList<MachineBuildResult> Build(
        string configPath,
        GordoBuildOptions options,
        IProgress<GordoBuildProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configPath);
        ArgumentNullException.ThrowIfNull(options);
        return BuildMachines(configPath, options, progress, cancellationToken);
    }

    /// <summary>Builds one machine of a config file.</summary>
    /// <param name="configPath">The project config (YAML).</param>
    /// <param name="machine">The machine's name.</param>
    /// <param name="options">Output directory, cache and parallelism (its machine selection is ignored).</param>
    /// <param name="progress">Receives every step (may be null).</param>
    /// <param name="cancellationToken">Cancels the build (no model is written).</param>
    /// <returns>The machine's result.</returns>
    /// <exception cref="GordoConfigException">The config has errors.</exception>
    /// <exception cref="ArgumentException">The config has no such machine.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the machine was built.</exception>
    public static MachineBuildResult Build(
        string configPath,
        string machine,
        GordoBuildOptions options,
        IProgress<GordoBuildProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(options);
        var one = new GordoBuildOptions(options.OutputDirectory)
        {
            ModelRegisterDirectory = options.ModelRegisterDirectory,
            ReplaceCache = options.ReplaceCache,
            ConfigOptions = options.ConfigOptions,
            Machines = [machine],
        };
        return Build(configPath, one, progress, cancellationToken)[0];
    }

    private static IReadOnlyList<MachineBuildResult> BuildMachines(
        string configPath,
        GordoBuildOptions options,
        IProgress<GordoBuildProgress>? progress,
        CancellationToken cancellationToken)
    {
        var compilation = Config.Compiler.compileFile(Boundary.Options(options.ConfigOptions), configPath);
        Boundary.Result(compilation).ThrowIfInvalid();
        var inputs = Select(Builder.BuildInputModule.ofCompilation(compilation), options.Machines);
        var settings = new Builder.ProjectBuildSettings(
            options.OutputDirectory,
            Boundary.Some(options.ModelRegisterDirectory),
            options.ReplaceCache,
            Math.Max(1, options.MaxParallelism));
        var sink = BuildOutcomes.Sink(progress);
        var outcomes = Builder.ProjectBuilder.build(settings, inputs, sink, cancellationToken);
        if (outcomes.Any(BuildOutcomes.IsCancelled))
            throw new OperationCanceledException(cancellationToken);
        return inputs.Zip(outcomes, (input, outcome) => BuildOutcomes.Result(input.Machine, outcome)).ToList().AsReadOnly();
    }

    private static FSharpList<Builder.BuildInput> Select(
        FSharpList<Builder.BuildInput> inputs,
        IReadOnlyList<string>? machines)
    {
        if (machines is null || machines.Count == 0)
        {
            return inputs;
        }

        var known = inputs.Select(i => i.Machine.Name).ToHashSet();
        var unknown = machines.Where(m => !known.Contains(m)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"no machine {string.Join(", ", unknown)} in the config (machines: {string.Join(", ", known)})",
                nameof(machines));
        }

        return ListModule.OfSeq(inputs.Where(i => machines.Contains(i.Machine.Name)));
    }
}
