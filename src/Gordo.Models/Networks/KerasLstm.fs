namespace Gordo.Models.Networks

open Gordo.Core
open Gordo.Models

/// The kwargs of Gordo's LSTM wrappers.
[<RequireQualifiedAccess>]
module internal LstmArgs =
    /// Gordo's constructor: `lookback_window` (default 1) and `batch_size` (default 32) always
    /// join the kwargs (appended when not given; given ones keep their place, so a definition
    /// read back from `into_definition` is a fixpoint).
    let withWindow (args: (string * Arg) list) : (string * Arg) list =
        let missing key (fallback: int64) =
            if List.exists (fst >> (=) key) args then
                []
            else
                [ key, Arg.Plain(Value.Int fallback) ]

        args @ missing "lookback_window" 1L @ missing "batch_size" 32L

/// Gordo's LSTM wrappers (spec §2.3, §2.5): `kind` is `lstm_model`, `lstm_symmetric` or
/// `lstm_hourglass`; X is cut into windows of `lookback_window` rows; the target of a window is
/// its last row (`lookahead` 0, auto-encoder) or the row after it (`lookahead` 1, forecast). The
/// output has one row per window, aligned with the last rows of X (model offset
/// `lookback_window − 1 + lookahead`).
[<AbstractClass>]
type KerasLstmNetwork(classPath: string, lookahead: int, args: (string * Arg) list) =
    inherit KerasNetwork(classPath, LstmArgs.withWindow args)
    let args = LstmArgs.withWindow args
    let kind = Args.string "kind" args
    let lookback = Args.int "lookback_window" args
    let name = classPath.Substring(classPath.LastIndexOf '.' + 1)

    do
        Factories.resolve classPath kind |> ignore

        if lookback < 1 then
            raise (ModelDefinitionException($"%s{name}: lookback_window must be >= 1, got %d{lookback}"))

    /// Rows of history each output row needs.
    member _.LookbackWindow: int = lookback

    /// 0 for the auto-encoder, 1 for the forecast.
    member _.Lookahead: int = lookahead

    override _.Offset = lookback - 1 + lookahead

    override _.CheckInput x =
        let rows = Matrix.rows x

        if lookback >= rows then
            raise (
                ModelInputException(
                    $"%s{name}: lookback_window (%d{lookback}) must be < the number of rows of X (%d{rows}): every "
                    + $"output row needs the %d{lookback} rows before it (the first %d{lookback - 1 + lookahead} rows "
                    + $"only give history); send at least %d{lookback + 1} rows or lower lookback_window"
                )
            )

    override _.Build(features, featuresOut) =
        Factories.build classPath kind args features featuresOut

    /// Keras' two fits: one priming step on the first window (batch 1), then every window in
    /// order (`shuffle=False`, no validation split), the optimizer state carried over.
    override this.Train(network, weights, x, y) =
        let options = {
            KerasFit.options classPath args this.Seed with
                ValidationSplit = 0.0
                Shuffle = false
        }

        this.TrainOnBackend(network, weights, options, x, y)

    override _.Sequences =
        Some {
            Lookback = lookback
            Lookahead = lookahead
        }

    /// One output row per window, predicted on the back end in batches of 10000 windows (as Gordo).
    override this.Predict x =
        this.Fitted x |> ignore
        this.CheckInput x
        this.PredictOnBackend x

    override _.Metadata() =
        base.Metadata() @ [ "forecast_steps", Value.Int(int64 lookahead) ]

/// Gordo's `KerasLSTMAutoEncoder`: reconstructs the last row of each window (offset
/// `lookback_window − 1`).
type KerasLSTMAutoEncoder(args: (string * Arg) list) =
    inherit KerasLstmNetwork("gordo.machine.model.models.KerasLSTMAutoEncoder", 0, args)
    override _.Recreate args = KerasLSTMAutoEncoder args

/// Gordo's `KerasLSTMForecast`: predicts the row after each window (offset `lookback_window`).
type KerasLSTMForecast(args: (string * Arg) list) =
    inherit KerasLstmNetwork("gordo.machine.model.models.KerasLSTMForecast", 1, args)
    override _.Recreate args = KerasLSTMForecast args
