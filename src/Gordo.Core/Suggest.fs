namespace Gordo.Core

/// "Did you mean ...?" suggestions for near-miss names.
[<RequireQualifiedAccess>]
module internal Suggest =
    /// Levenshtein edit distance between two strings.
    let distance (a: string) (b: string) : int =
        let previous = Array.init (b.Length + 1) id
        let current = Array.zeroCreate (b.Length + 1)

        for i in 1 .. a.Length do
            current.[0] <- i

            for j in 1 .. b.Length do
                let cost = if a.[i - 1] = b.[j - 1] then 0 else 1
                current.[j] <- min (min (previous.[j] + 1) (current.[j - 1] + 1)) (previous.[j - 1] + cost)

            Array.blit current 0 previous 0 current.Length

        previous.[b.Length]

    /// The closest candidate within a third of the name's length (case-insensitive), if any.
    /// Candidates whose length alone is beyond that budget are not compared: the distance costs
    /// the product of the lengths, and a 1 MB name would otherwise take minutes.
    let closest (candidates: string seq) (name: string) : string option =
        let lower = name.ToLowerInvariant()
        let budget = max 1 (name.Length / 3)

        candidates
        |> Seq.filter (fun c -> abs (c.Length - name.Length) <= budget)
        |> Seq.map (fun c -> c, distance lower (c.ToLowerInvariant()))
        |> Seq.filter (fun (_, d) -> d <= budget)
        |> Seq.sortBy snd
        |> Seq.tryHead
        |> Option.map fst
