namespace Gordo.Models.Ensemble

open System
open Gordo.Core
open Gordo.Models

/// scikit-learn's forest parameters read from constructor arguments and resolved against the
/// training data's shape (`_validate_params` plus the counts `BaseDecisionTree.fit` derives).
[<RequireQualifiedAccess>]
module internal ForestOptions =
    let private bad (owner: string) (name: string) (arg: Arg) (expected: string) =
        raise (ModelDefinitionException($"%s{owner}: %s{name}=%A{arg} is not valid; give %s{expected}"))

    /// Rejects the parameters this implementation does not support, at construction.
    let checkSupported (owner: string) (args: (string * Arg) list) : unit =
        let unsupported (name: string) (why: string) =
            raise (ModelDefinitionException($"%s{owner}: %s{name} is not supported (%s{why}); remove it"))

        match Args.string "criterion" args with
        | "squared_error" -> ()
        | other -> unsupported $"criterion='%s{other}'" "only 'squared_error' is implemented"

        if not (Args.isNull "max_leaf_nodes" args) then
            unsupported "max_leaf_nodes" "best-first growth is not implemented"

        if Args.float "ccp_alpha" args <> 0.0 then
            unsupported "ccp_alpha" "cost-complexity pruning is not implemented"

        if Args.bool "oob_score" args && not (Args.bool "bootstrap" args) then
            raise (
                ModelDefinitionException(
                    $"%s{owner}: oob_score=true needs bootstrap=true (no row is out of the bag otherwise)"
                )
            )

    /// `max_features` as a count of the `p` features.
    let maxFeatures (owner: string) (p: int) (args: (string * Arg) list) : int =
        match Args.get "max_features" args with
        | Arg.Plain Value.Null
        | Arg.Plain(Value.String "auto") -> p
        | Arg.Plain(Value.String "sqrt") -> max 1 (int (sqrt (float p)))
        | Arg.Plain(Value.String "log2") -> max 1 (int (Math.Log2(float p)))
        | Arg.Plain(Value.Int i) when i >= 1L -> min p (int i)
        | Arg.Plain(Value.Float f) when f > 0.0 && f <= 1.0 -> max 1 (int (f * float p))
        | other -> bad owner "max_features" other "an integer ≥ 1, a fraction in (0, 1], 'sqrt', 'log2' or null"

    let private countOrFraction (owner: string) (name: string) (least: int64) (n: int) args =
        match Args.get name args with
        | Arg.Plain(Value.Int i) when i >= least -> int (min i (int64 Int32.MaxValue))
        | Arg.Plain(Value.Float f) when f > 0.0 && f <= 1.0 -> int (ceil (f * float n))
        | other -> bad owner name other $"an integer ≥ %d{least} or a fraction in (0, 1]"

    /// The stopping rules for `n` training rows of `p` features.
    let rules (owner: string) (n: int) (p: int) (args: (string * Arg) list) : TreeRules =
        let leaf = countOrFraction owner "min_samples_leaf" 1L n args
        let split = countOrFraction owner "min_samples_split" 2L n args

        let depth =
            match Args.intOption "max_depth" args with
            | None -> Int32.MaxValue
            | Some d when d >= 1 -> d
            | Some d -> bad owner "max_depth" (Arg.Plain(Value.Int(int64 d))) "an integer ≥ 1 or null"

        {
            MaxDepth = depth
            MinSamplesSplit = max split (2 * leaf)
            MinSamplesLeaf = leaf
            MinWeightLeaf = Args.float "min_weight_fraction_leaf" args * float n
            MinImpurityDecrease = Args.float "min_impurity_decrease" args
            MaxFeatures = maxFeatures owner p args
        }

    /// Rows drawn per tree when bootstrapping (`max_samples`).
    let samples (owner: string) (n: int) (args: (string * Arg) list) : int =
        match Args.get "max_samples" args with
        | Arg.Plain Value.Null -> n
        | Arg.Plain(Value.Int i) when i >= 1L && i <= int64 n -> int i
        | Arg.Plain(Value.Float f) when f > 0.0 && f <= 1.0 -> max 1 (int (Math.Round(f * float n)))
        | other -> bad owner "max_samples" other $"an integer in [1, %d{n}], a fraction in (0, 1] or null"

    /// Worker threads for `n_jobs` (null: every core, as the trees are independent).
    let jobs (args: (string * Arg) list) : int =
        match Args.intOption "n_jobs" args with
        | None -> Environment.ProcessorCount
        | Some j when j < 0 -> max 1 (Environment.ProcessorCount + 1 + j)
        | Some j -> max 1 j
