// The packed packages' metadata, as a consumer and nuget.org would read them.
//   dotnet fsi tests/Consumer/packages.fsx FEED NAME...
// For each NAME, FEED must hold NAME.<version>.nupkg and its .snupkg. The .nuspec must carry the
// licence expression, the README (present in the package), tags, the repository commit and
// a description; every PDB in the .snupkg must name its sources under /_/ (no build machine
// paths). A SourceLink map (source URLs) needs a remote on a known host (GitHub, GitLab, Azure
// Repos ...): it is checked when the packing clone has one, which CI's clean clone has not.
// Prints one line per package; exits 1 on the first problem.

open System
open System.IO
open System.IO.Compression
open System.Reflection.Metadata
open System.Xml.Linq

let feed = Path.GetFullPath fsi.CommandLineArgs.[1]
let names = fsi.CommandLineArgs |> Array.skip 2 |> List.ofArray

let fail (message: string) =
    eprintfn "packages: %s" message
    exit 1

/// The one file of `feed` named NAME.<version>.<extension> (version starting with a digit).
let packageFile (name: string) (extension: string) =
    Directory.GetFiles(feed, $"{name}.*.{extension}")
    |> Array.filter (fun f ->
        let rest = Path.GetFileName(f).Substring(name.Length + 1)
        rest.Length > 0 && Char.IsDigit rest.[0])
    |> function
        | [| f |] -> f
        | found -> fail $"expected one {name} .{extension} in {feed}, found {found.Length}"

let nuspec (archive: ZipArchive) =
    let entry =
        archive.Entries
        |> Seq.tryFind (fun e -> e.FullName.EndsWith ".nuspec")
        |> Option.defaultWith (fun () -> fail "no .nuspec")

    use stream = entry.Open()
    XDocument.Load stream

let element (doc: XDocument) (name: string) =
    doc.Descendants() |> Seq.tryFind (fun e -> e.Name.LocalName = name)

let required (package: string) (doc: XDocument) (name: string) =
    match element doc name with
    | Some e when e.Value.Trim() <> "" || e.HasAttributes -> e
    | _ -> fail $"{package}: the .nuspec has no <{name}>"

let checkNuspec (package: string) (archive: ZipArchive) =
    let doc = nuspec archive
    let license = required package doc "license"

    if
        license.Attribute(XName.Get "type").Value <> "expression"
        || license.Value <> "AGPL-3.0-only"
    then
        fail $"{package}: licence is '{license}', expected the expression AGPL-3.0-only"

    let readme = (required package doc "readme").Value

    if archive.GetEntry readme = null then
        fail $"{package}: the .nuspec names the README {readme}, which the package lacks"

    required package doc "tags" |> ignore
    required package doc "description" |> ignore
    let repository = required package doc "repository"

    match repository.Attribute(XName.Get "url") with
    | null -> ()
    | url when not (url.Value.StartsWith "https://" || url.Value.StartsWith "git@") ->
        fail $"{package}: the repository URL '{url.Value}' is not a URL to publish (a build machine path?)"
    | _ -> ()

    match repository.Attribute(XName.Get "commit") with
    | null -> fail $"{package}: <repository> has no commit (SourceLink)"
    | commit when commit.Value.Length <> 40 -> fail $"{package}: repository commit '{commit.Value}'"
    | _ -> ()

let sourceLinkGuid = Guid "CC110556-A091-4D38-9FEC-25AB9A351A6A"

/// Whether the packages were packed from a clone whose remote SourceLink can turn into URLs.
let hostedRemote =
    let psi =
        Diagnostics.ProcessStartInfo("git", [ "config"; "--get"; "remote.origin.url" ], RedirectStandardOutput = true)

    use git = Diagnostics.Process.Start psi
    let url = git.StandardOutput.ReadToEnd()
    git.WaitForExit()
    url.StartsWith "https://" || url.StartsWith "git@"

/// Every document under /_/ and a SourceLink map, in one portable PDB.
let checkPdb (package: string) (entry: ZipArchiveEntry) =
    use stream = new MemoryStream()

    do
        use source = entry.Open()
        source.CopyTo stream

    stream.Position <- 0L
    use provider = MetadataReaderProvider.FromPortablePdbStream stream
    let reader = provider.GetMetadataReader()

    for handle in reader.Documents do
        let name = reader.GetString(reader.GetDocument(handle).Name)

        if not (name.StartsWith "/_/") then
            fail $"{package}: {entry.FullName} names the build machine path {name}"

    let hasSourceLink =
        reader.CustomDebugInformation
        |> Seq.exists (fun h -> reader.GetGuid(reader.GetCustomDebugInformation(h).Kind) = sourceLinkGuid)

    if hostedRemote && not hasSourceLink then
        fail $"{package}: {entry.FullName} has no SourceLink map"

for package in names do
    do
        use nupkg = ZipFile.OpenRead(packageFile package "nupkg")
        checkNuspec package nupkg

    use snupkg = ZipFile.OpenRead(packageFile package "snupkg")

    let pdbs =
        snupkg.Entries |> Seq.filter (fun e -> e.FullName.EndsWith ".pdb") |> List.ofSeq

    if pdbs.IsEmpty then
        fail $"{package}: the .snupkg holds no PDB"

    pdbs |> List.iter (checkPdb package)
    printfn "%s: licence, README, tags, commit; %d PDB(s) with /_/ paths" package pdbs.Length

printfn "packages: passed"
