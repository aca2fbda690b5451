namespace Gordo.Models.Anomaly

open System
open Gordo.Models

/// pandas-compatible rolling/ewm statistics over a series (NaN where pandas gives NaN).
[<RequireQualifiedAccess>]
module internal Rolling =
    let private window (w: int) (f: float[] -> float) (values: float[]) : float[] =
        Array.init values.Length (fun i ->
            if i < w - 1 then
                nan
            else
                let slice = values.[i - w + 1 .. i]
                if Array.exists Double.IsNaN slice then nan else f slice)

    /// `series.rolling(w).min()`.
    let min (w: int) (values: float[]) : float[] = window w Array.min values

    /// `series.rolling(w).median()`.
    let median (w: int) (values: float[]) : float[] =
        window w (fun s -> Stats.percentileSorted (Array.sort s) 50.0) values

    /// `series.rolling(w).mean()`.
    let mean (w: int) (values: float[]) : float[] = window w Array.average values

    /// `series.ewm(span=w).mean()` (adjusted weights, defined from the first row).
    let ewma (span: int) (values: float[]) : float[] =
        let decay = 1.0 - 2.0 / (float span + 1.0)
        let mutable numerator = 0.0
        let mutable denominator = 0.0

        values
        |> Array.map (fun x ->
            numerator <- x + decay * numerator
            denominator <- 1.0 + decay * denominator
            numerator / denominator)

    /// Smoothing by Gordo's method name (`smm`, `sma`, `ewma`).
    let smooth (methodName: string) (w: int) (values: float[]) : float[] =
        match methodName with
        | "smm" -> median w values
        | "sma" -> mean w values
        | "ewma" -> ewma w values
        | other -> raise (ModelDefinitionException($"smoothing_method '%s{other}' is not one of smm, sma, ewma"))

    /// Maximum ignoring NaN (NaN when every value is NaN).
    let nanMax (values: float[]) : float = Stats.nanMax values

    /// pandas `Series.quantile(q)` (linear interpolation, NaN ignored).
    let quantile (q: float) (values: float[]) : float = Stats.nanPercentile values (q * 100.0)
