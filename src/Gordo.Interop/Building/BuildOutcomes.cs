using Microsoft.FSharp.Core;
using Gordo.Models;
using Builder = Gordo.Build;
using Config = Gordo.Core.Config;
using ArtifactJson = Gordo.Models.Artifacts.Json;

namespace Gordo.Interop;

/// <summary>Turns the F# builder's events and outcomes into the C# progress and result types.</summary>
internal static class BuildOutcomes
{
    internal static FSharpFunc<Builder.ProjectEvent, Unit> Sink(IProgress<GordoBuildProgress>? progress) =>
        FuncConvert.FromAction<Builder.ProjectEvent>(e =>
        {
            if (progress is not null)
            {
                progress.Report(Progress(e));
            }
        });

    private static GordoBuildProgress Progress(Builder.ProjectEvent e) =>
        e switch
        {
            Builder.ProjectEvent.Machine m => Step(m.name, m.Item2),
            Builder.ProjectEvent.Finished f => Finished(f.Item),
            _ => throw new InvalidOperationException($"unknown build event {e}"),
        };

    private static GordoBuildProgress Finished(Builder.MachineOutcome outcome) =>
        new(outcome.Name, outcome.Result.IsOk ? GordoBuildStage.Done : GordoBuildStage.Failed, Builder.BuildText.outcome(outcome));

    private static GordoBuildProgress Step(string machine, Builder.BuildEvent e) =>
        e switch
        {
            Builder.BuildEvent.Training { Item: TrainingSignal.Fold fold } =>
                new GordoBuildProgress(machine, GordoBuildStage.Fold, Builder.BuildText.describe(e))
                {
                    Fold = fold.index,
                    FoldCount = fold.count,
                },
            Builder.BuildEvent.Training { Item: TrainingSignal.Epoch epoch } =>
                new GordoBuildProgress(machine, GordoBuildStage.Epoch, Builder.BuildText.describe(e))
                {
                    Epoch = epoch.index,
                    EpochCount = epoch.count,
                    Loss = epoch.loss,
                },
            Builder.BuildEvent.CrossValidating cv =>
                new GordoBuildProgress(machine, GordoBuildStage.CrossValidating, Builder.BuildText.describe(e))
                {
                    FoldCount = cv.folds,
                },
            _ => new GordoBuildProgress(machine, StageOf(e), Builder.BuildText.describe(e)),
        };

    private static GordoBuildStage StageOf(Builder.BuildEvent e) =>
        e.Tag switch
        {
            Builder.BuildEvent.Tags.FetchingData => GordoBuildStage.FetchingData,
            Builder.BuildEvent.Tags.DataReady => GordoBuildStage.DataReady,
            Builder.BuildEvent.Tags.Fitting => GordoBuildStage.Fitting,
            Builder.BuildEvent.Tags.Saving => GordoBuildStage.Saving,
            Builder.BuildEvent.Tags.CacheHit => GordoBuildStage.CacheHit,
            _ => GordoBuildStage.StaleCacheEntry,
        };

    /// <summary>True when the machine stopped because the build was cancelled.</summary>
    internal static bool IsCancelled(Builder.MachineOutcome outcome) =>
        outcome.Result.IsError && outcome.Result.ErrorValue.Tag == Builder.BuildError.Tags.Cancelled;

    private static GordoBuildFailure FailureOf(Builder.BuildError error) =>
        error switch
        {
            Builder.BuildError.Provider or Builder.BuildError.Data { Item: Gordo.Data.DatasetError.Provider } =>
                GordoBuildFailure.DataProvider,
            Builder.BuildError.Data => GordoBuildFailure.Data,
            Builder.BuildError.UnknownMetric or Builder.BuildError.NotASplitter => GordoBuildFailure.Evaluation,
            Builder.BuildError.Model { Item: ModelDefinitionException } => GordoBuildFailure.ModelDefinition,
            Builder.BuildError.Model => GordoBuildFailure.Model,
            Builder.BuildError.Output or Builder.BuildError.Unwritable => GordoBuildFailure.Output,
            _ => GordoBuildFailure.Reporter,
        };

    internal static MachineBuildResult Result(Config.Machine machine, Builder.MachineOutcome outcome)
    {
        if (outcome.Result.IsError)
        {
            var error = outcome.Result.ErrorValue;
            return new MachineBuildResult(outcome.Name, machine, outcome)
            {
                Failure = FailureOf(error),
                ErrorMessage = error.Message,
            };
        }

        var built = outcome.Result.ResultValue;
        var scores = new Dictionary<string, double>();
        var cv = built.CrossValidation;
        if (cv is not null)
        {
            foreach (var (key, stats) in cv.Value.Scores)
            {
                foreach (var (stat, value) in stats)
                {
                    if (stat == "fold-mean")
                    {
                        scores[key] = value;
                    }
                }
            }
        }

        return new MachineBuildResult(outcome.Name, machine, outcome)
        {
            Succeeded = true,
            ModelDirectory = built.OutputDirectory?.Value,
            FromCache = built.FromCache,
            Duration = TimeSpan.FromSeconds(built.DurationSeconds),
            MetadataJson = ArtifactJson.toText(built.Metadata),
            Scores = scores,
        };
    }
}
