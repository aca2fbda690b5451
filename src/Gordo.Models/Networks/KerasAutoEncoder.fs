namespace Gordo.Models.Networks

open Gordo.Core
open Gordo.Models

/// Gordo's `KerasAutoEncoder` (spec §2.3, §2.4), float32: a feed-forward network of the given
/// `kind`, trained with Keras semantics.
type KerasAutoEncoder(args: (string * Arg) list) =
    inherit KerasNetwork("gordo.machine.model.models.KerasAutoEncoder", args)
    let classPath = "gordo.machine.model.models.KerasAutoEncoder"
    let kind = Args.string "kind" args

    do Factories.resolve classPath kind |> ignore

    override _.Build(features, featuresOut) =
        Factories.build classPath kind args features featuresOut

    override this.Train(network, weights, x, y) =
        this.TrainOnBackend(network, weights, KerasFit.options classPath args this.Seed, x, y)

    override _.Recreate args = KerasAutoEncoder args

    /// Dense-only networks train in managed float32 code (same Keras loop and arithmetic, no
    /// libtorch calls per step); others train on the network back end.
    override this.TrainManaged(network, initial, x, y) =
        if ManagedTraining.supports network then
            Some(ManagedTraining.fit network initial (KerasFit.options classPath args this.Seed) x y)
        else
            None
