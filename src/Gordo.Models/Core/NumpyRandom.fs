namespace Gordo.Models

/// numpy's legacy `RandomState` (MT19937 seeded with `init_genrand`) as far as scikit-learn's
/// shuffling needs it, so seeded shuffles, KFold and ShuffleSplit pick the same rows as Python.
type internal NumpyRandom(seed: uint32) =
    let state: uint32[] = Array.zeroCreate 624
    let mutable index = 624

    do
        state.[0] <- seed

        for i in 1..623 do
            state.[i] <- 1812433253u * (state.[i - 1] ^^^ (state.[i - 1] >>> 30)) + uint32 i

    let twist () =
        for i in 0..623 do
            let y = (state.[i] &&& 0x80000000u) ||| (state.[(i + 1) % 624] &&& 0x7fffffffu)
            let next = state.[(i + 397) % 624] ^^^ (y >>> 1)
            state.[i] <- if y &&& 1u <> 0u then next ^^^ 0x9908b0dfu else next

        index <- 0

    /// The next 32-bit output (`genrand_int32`).
    member _.NextUInt32() : uint32 =
        if index >= 624 then
            twist ()

        let mutable y = state.[index]
        index <- index + 1
        y <- y ^^^ (y >>> 11)
        y <- y ^^^ ((y <<< 7) &&& 0x9d2c5680u)
        y <- y ^^^ ((y <<< 15) &&& 0xefc60000u)
        y ^^^ (y >>> 18)

    /// A uniform integer in [0, max] by masked rejection (numpy `random_interval`).
    member this.Interval(max: int) : int =
        if max = 0 then
            0
        else
            let mutable mask = uint32 max
            mask <- mask ||| (mask >>> 1)
            mask <- mask ||| (mask >>> 2)
            mask <- mask ||| (mask >>> 4)
            mask <- mask ||| (mask >>> 8)
            mask <- mask ||| (mask >>> 16)
            let mutable value = this.NextUInt32() &&& mask

            while value > uint32 max do
                value <- this.NextUInt32() &&& mask

            int value

    /// Shuffles in place (numpy `RandomState.shuffle` of a 1-d array).
    member this.Shuffle(items: 'T[]) : unit =
        for i in items.Length - 1 .. -1 .. 1 do
            let j = this.Interval i
            let t = items.[i]
            items.[i] <- items.[j]
            items.[j] <- t

    /// A shuffled `0 .. n-1` (numpy `RandomState.permutation(n)`).
    member this.Permutation(n: int) : int[] =
        let items = Array.init n id
        this.Shuffle items
        items

    /// scikit-learn `check_random_state`: a seeded generator, or a fresh random one for None.
    static member OfSeed(seed: int option) : NumpyRandom =
        match seed with
        | Some s -> NumpyRandom(uint32 s)
        | None -> NumpyRandom(uint32 (System.Random.Shared.Next()))
