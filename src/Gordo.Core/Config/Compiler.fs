namespace Gordo.Core.Config

open System
open System.IO
open System.Text
open Gordo.Core
open Gordo.Core.Yaml

/// What the compiler needs besides the config text.
type CompileOptions = {
    /// The project name (`--project-name`); None takes the custom resource's metadata.name,
    /// else "project".
    ProjectName: string option
    /// `--default-data-provider`.
    DefaultDataProvider: string option
}

/// The outcome of compiling a config: the project when there are no errors, the normalized
/// trees when the document could be read, and every diagnostic.
type Compilation = {
    /// The checked project (None when there are errors).
    Project: Project option
    /// The normalized trees (None when the document could not be read).
    Normalized: ProjectTree option
    /// Every diagnostic, sorted by position.
    Diagnostics: Diagnostic list
}

/// The config compiler: text → positioned tree → raw project → normalized → typed and checked.
[<RequireQualifiedAccess>]
module Compiler =
    /// The largest config accepted (a 10,000-machine config is a few megabytes).
    let maxFileBytes: int64 = 32L * 1024L * 1024L

    /// Default options.
    let defaultOptions: CompileOptions = {
        ProjectName = None
        DefaultDataProvider = None
    }

    let private projectName (options: CompileOptions) (raw: RawProject) =
        options.ProjectName |> Option.orElse raw.Name |> Option.defaultValue "project"

    let private codeOf (problem: Problem) =
        let code, _, _ = Problem.describe problem
        code

    /// An unquoted date-time without a timezone in the file is reported by the YAML reader;
    /// the dataset's check of the same value would report it a second time.
    let private unzonedOnce (diagnostics: Diagnostic list) =
        let inYaml = codeOf (Problem.MissingTimezoneInYaml "")
        let inDataset = codeOf (Problem.MissingTimezone "")

        let reported =
            diagnostics
            |> List.filter (fun d -> d.Code = inYaml)
            |> List.map _.Position
            |> set

        diagnostics
        |> List.filter (fun d -> not (d.Code = inDataset && reported.Contains d.Position))

    /// Keeps one diagnostic per code and place (a value can be reached twice through merges),
    /// and one per date-time without a timezone.
    let private distinct (diagnostics: Diagnostic list) =
        diagnostics
        |> List.distinctBy (fun d -> d.Code, d.Position, d.Path)
        |> unzonedOnce
        |> Diagnostic.sort

    /// Compiles config text.
    let compileText (options: CompileOptions) (file: string) (text: string) : Compilation =
        match Document.parse file text with
        | Error diagnostics, _ -> {
            Project = None
            Normalized = None
            Diagnostics = distinct diagnostics
          }
        | Ok raw, readProblems ->
            let normalized, normalizeProblems =
                Normalize.run
                    {
                        DefaultDataProvider = options.DefaultDataProvider
                    }
                    raw

            let project, checkProblems = Elaborate.project (projectName options raw) normalized
            let diagnostics = distinct (readProblems @ normalizeProblems @ checkProblems)

            {
                Project = (if Diagnostic.hasErrors diagnostics then None else project)
                Normalized = Some normalized
                Diagnostics = diagnostics
            }

    let private failed (file: string) (problem: Problem) : Compilation = {
        Project = None
        Normalized = None
        Diagnostics = [ Problem.inFile file problem ]
    }

    /// The offset of the first byte that is not valid UTF-8, if any.
    let private invalidUtf8 (bytes: byte[]) : int64 option =
        let decoder = UTF8Encoding(false, true)

        try
            decoder.GetString bytes |> ignore
            None
        with :? DecoderFallbackException as e ->
            Some(int64 e.Index)

    /// Compiles UTF-8 config bytes.
    let compileBytes (options: CompileOptions) (file: string) (bytes: byte[]) : Compilation =
        if int64 bytes.Length > maxFileBytes then
            failed file (Problem.FileTooLarge(int64 bytes.Length, maxFileBytes))
        else
            match invalidUtf8 bytes with
            | Some offset -> failed file (Problem.InvalidEncoding offset)
            | None ->
                let text = UTF8Encoding(false).GetString bytes
                let text = if text.StartsWith '\uFEFF' then text.Substring 1 else text

                if text.Contains '\000' then
                    failed file (Problem.YamlSyntax "the file contains NUL bytes (is it a binary file?)")
                else
                    compileText options file text

    /// Compiles a config file (I/O problems become diagnostics too).
    let compileFile (options: CompileOptions) (path: string) : Compilation =
        try
            let info = FileInfo path

            if Directory.Exists path then
                failed path (Problem.FileNotReadable "it is a directory, not a file; name a config file")
            elif not info.Exists then
                failed path (Problem.FileNotReadable "no such file")
            elif info.Length > maxFileBytes then
                failed path (Problem.FileTooLarge(info.Length, maxFileBytes))
            else
                compileBytes options path (File.ReadAllBytes path)
        with
        | :? IOException as e -> failed path (Problem.FileNotReadable e.Message)
        | :? UnauthorizedAccessException as e -> failed path (Problem.FileNotReadable e.Message)
