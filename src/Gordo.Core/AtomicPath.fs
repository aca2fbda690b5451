namespace Gordo.Core

open System
open System.IO
open System.Text.RegularExpressions

/// Files and directories replaced atomically: written as a hidden sibling `.<name>.tmp-<32 hex>`
/// and renamed into place (rename(2) within one folder is atomic). A process killed mid-write
/// leaves such siblings (and `.<name>.tmp-<32 hex>.old`, a previous directory moved aside
/// during a swap); `clean` recognises exactly these names and recovers or removes them.
[<RequireQualifiedAccess>]
module internal AtomicPath =
    let private leftover =
        Regex(@"^\.(?<name>.+)\.tmp-[0-9a-f]{32}(?<old>\.old)?$", RegexOptions.CultureInvariant)

    /// A fresh temporary sibling of `target` (same folder, so the final rename is atomic).
    let tempSibling (target: string) : string =
        let full = Path.GetFullPath target
        let unique = Guid.NewGuid().ToString "N"
        Path.Combine(Path.GetDirectoryName full, $".%s{Path.GetFileName full}.tmp-%s{unique}")

    /// The entry `target` that a leftover name belongs to, and whether it is a moved-aside
    /// previous directory; None for any other name.
    let tryLeftover (entryName: string) : (string * bool) option =
        let m = leftover.Match entryName

        if m.Success then
            Some(m.Groups.["name"].Value, m.Groups.["old"].Success)
        else
            None

    let private delete (path: string) =
        if Directory.Exists path then
            Directory.Delete(path, true)
        elif File.Exists path then
            File.Delete path

    /// Writes a file through `fill` on a stream to a temporary sibling, then renames it over
    /// `path`: a reader (or a kill) sees the previous content or the new one, never a part. A
    /// failure deletes the temporary file and is raised.
    let write (path: string) (fill: Stream -> unit) : unit =
        let temp = tempSibling path

        try
            using (new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) fill
            File.Move(temp, path, true)
        with _ ->
            delete temp
            reraise ()

    /// `write` of UTF-8 text (no byte-order mark) through a buffered writer.
    let writeText (path: string) (fill: TextWriter -> unit) : unit =
        write path (fun stream ->
            use writer = new StreamWriter(stream, Text.UTF8Encoding false, 1 <<< 20)
            fill writer)

    /// `write` of `bytes`.
    let writeAllBytes (path: string) (bytes: byte[]) : unit = write path (fun s -> s.Write bytes)

    /// `writeAllBytes` of UTF-8 text (no byte-order mark).
    let writeAllText (path: string) (text: string) : unit =
        writeAllBytes path (Text.UTF8Encoding(false).GetBytes text)

    /// Fills a temporary sibling directory through `fill`, then swaps it in for `directory`: the
    /// previous directory is moved aside, the new one renamed into place and the previous one
    /// deleted (put back if the rename fails). A failure deletes the temporary directory and is
    /// raised; `clean` recovers a swap that a kill interrupted.
    let replaceDirectory (directory: string) (fill: string -> unit) : unit =
        let target = Path.GetFullPath directory
        Directory.CreateDirectory(Path.GetDirectoryName target) |> ignore
        let temp = tempSibling target
        Directory.CreateDirectory temp |> ignore

        try
            fill temp

            if Directory.Exists target then
                let old = temp + ".old"
                Directory.Move(target, old)

                try
                    Directory.Move(temp, target)
                with _ ->
                    // The target holds the old model or the new one, never neither.
                    Directory.Move(old, target)
                    reraise ()

                Directory.Delete(old, true)
            else
                Directory.Move(temp, target)
        with _ ->
            delete temp
            reraise ()

    /// Removes what killed atomic writes left in `folder` (only the entries for `name` when
    /// given): a previous directory moved aside whose target is missing (a kill between the two
    /// renames of a swap) is moved back, every other leftover is deleted. Entries that vanish
    /// meanwhile are skipped.
    let clean (folder: string) (name: string option) : unit =
        if Directory.Exists folder then
            let entries =
                Directory.GetFileSystemEntries folder
                |> Array.choose (fun path ->
                    tryLeftover (Path.GetFileName path)
                    |> Option.filter (fun (target, _) -> name |> Option.forall ((=) target))
                    |> Option.map (fun (target, old) -> path, Path.Combine(folder, target), old))

            for path, target, old in entries |> Array.sortBy (fun (_, _, old) -> not old) do
                try
                    if old && not (Path.Exists target) then
                        Directory.Move(path, target)
                    else
                        delete path
                with
                | :? DirectoryNotFoundException
                | :? FileNotFoundException -> ()
