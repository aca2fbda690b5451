namespace Gordo.Server

open System
open System.Collections.Generic

/// A thread-safe LRU cache bounded by entry count. Values are created once per key even under
/// concurrent first requests (a `Lazy` per entry); a failed creation is not cached.
type Lru<'Key, 'Value when 'Key: equality>(capacity: int) =
    let gate = obj ()
    let order = LinkedList<'Key>()
    let entries = Dictionary<'Key, Lazy<'Value> * LinkedListNode<'Key>>()

    let touch (node: LinkedListNode<'Key>) =
        order.Remove node
        order.AddFirst node

    let evict () =
        while entries.Count > capacity do
            let last = order.Last
            order.RemoveLast()
            entries.Remove last.Value |> ignore

    let slot (key: 'Key) (create: 'Key -> 'Value) : Lazy<'Value> =
        lock gate (fun () ->
            match entries.TryGetValue key with
            | true, (value, node) ->
                touch node
                value
            | _ ->
                let value =
                    Lazy<'Value>((fun () -> create key), Threading.LazyThreadSafetyMode.ExecutionAndPublication)

                entries.[key] <- (value, order.AddFirst key)
                evict ()
                value)

    let forget (key: 'Key) (value: Lazy<'Value>) =
        lock gate (fun () ->
            match entries.TryGetValue key with
            | true, (current, node) when Object.ReferenceEquals(current, value) ->
                order.Remove node
                entries.Remove key |> ignore
            | _ -> ())

    /// The cached value of `key`, created with `create` if absent.
    member _.GetOrAdd(key: 'Key, create: 'Key -> 'Value) : 'Value =
        let value = slot key create

        try
            value.Value
        with _ ->
            forget key value
            reraise ()

    /// Removes `key` if cached.
    member _.Remove(key: 'Key) : unit =
        lock gate (fun () ->
            match entries.TryGetValue key with
            | true, (_, node) ->
                order.Remove node
                entries.Remove key |> ignore
            | _ -> ())

    /// The number of cached entries.
    member _.Count: int = lock gate (fun () -> entries.Count)

    /// The cached keys, most recently used first.
    member _.Keys: 'Key list = lock gate (fun () -> List.ofSeq order)
