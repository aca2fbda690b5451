namespace Gordo.Server

open System
open System.Collections.Generic

/// One cached value: created once (a `Lazy`), its place in the recency list and its weight
/// (0 until the value exists).
[<NoEquality; NoComparison>]
type private LruEntry<'Key, 'Value> = {
    Value: Lazy<'Value>
    Node: LinkedListNode<'Key>
    mutable Weight: int64
}

/// A thread-safe LRU cache bounded by entry count and by total weight (e.g. estimated bytes).
/// Values are created once per key even under concurrent first requests (a `Lazy` per entry);
/// a failed creation is not cached. The most recently used entry is never evicted, so one value
/// heavier than the bound is still served.
type internal Lru<'Key, 'Value when 'Key: equality>(capacity: int, maxWeight: int64, weigh: 'Key -> 'Value -> int64) =
    let gate = obj ()
    let order = LinkedList<'Key>()
    let entries = Dictionary<'Key, LruEntry<'Key, 'Value>>()
    let mutable total = 0L

    let touch (node: LinkedListNode<'Key>) =
        order.Remove node
        order.AddFirst node

    let drop (key: 'Key) (entry: LruEntry<'Key, 'Value>) =
        order.Remove entry.Node
        entries.Remove key |> ignore
        total <- total - entry.Weight

    let evict () =
        while entries.Count > 1 && (entries.Count > capacity || total > maxWeight) do
            let last = order.Last.Value
            drop last entries.[last]

    let slot (key: 'Key) (create: 'Key -> 'Value) : LruEntry<'Key, 'Value> =
        lock gate (fun () ->
            match entries.TryGetValue key with
            | true, entry ->
                touch entry.Node
                entry
            | _ ->
                let value =
                    Lazy<'Value>((fun () -> create key), Threading.LazyThreadSafetyMode.ExecutionAndPublication)

                let entry = {
                    Value = value
                    Node = order.AddFirst key
                    Weight = 0L
                }

                entries.[key] <- entry
                evict ()
                entry)

    let weighed (key: 'Key) (entry: LruEntry<'Key, 'Value>) (weight: int64) =
        lock gate (fun () ->
            match entries.TryGetValue key with
            | true, current when Object.ReferenceEquals(current, entry) && entry.Weight = 0L ->
                entry.Weight <- max 1L weight
                total <- total + entry.Weight
                evict ()
            | _ -> ())

    let forget (key: 'Key) (entry: LruEntry<'Key, 'Value>) =
        lock gate (fun () ->
            match entries.TryGetValue key with
            | true, current when Object.ReferenceEquals(current, entry) -> drop key current
            | _ -> ())

    /// A cache bounded by count only.
    new(capacity: int) = Lru<'Key, 'Value>(capacity, Int64.MaxValue, (fun _ _ -> 1L))

    /// The cached value of `key`, created with `create` if absent.
    member _.GetOrAdd(key: 'Key, create: 'Key -> 'Value) : 'Value =
        let entry = slot key create

        let value =
            try
                entry.Value.Value
            with _ ->
                forget key entry
                reraise ()

        if entry.Weight = 0L then
            weighed key entry (weigh key value)

        value

    /// The value of `key` if cached and created, without creating it or changing its recency.
    member _.TryPeek(key: 'Key) : 'Value option =
        lock gate (fun () ->
            match entries.TryGetValue key with
            | true, entry when entry.Value.IsValueCreated -> Some entry.Value.Value
            | _ -> None)

    /// Removes `key` if cached.
    member _.Remove(key: 'Key) : unit =
        lock gate (fun () ->
            match entries.TryGetValue key with
            | true, entry -> drop key entry
            | _ -> ())

    /// The number of cached entries.
    member _.Count: int = lock gate (fun () -> entries.Count)

    /// The total weight of the cached values.
    member _.Weight: int64 = lock gate (fun () -> total)

    /// The cached keys, most recently used first.
    member _.Keys: 'Key list = lock gate (fun () -> List.ofSeq order)
