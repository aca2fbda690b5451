module Gordo.Tests.Config.BadInputTests

open System
open System.Diagnostics
open System.Text
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Tests.Support

let private bytes (data: byte[]) =
    Compiler.compileBytes Compiler.defaultOptions "bad.yaml" data

let private quick (name: string) (run: unit -> Compilation) (code: string) =
    test name {
        let watch = Stopwatch.StartNew()
        let compilation = run ()
        Expect.isLessThan watch.Elapsed.TotalSeconds 2.0 "answers within two seconds"
        Expect.isNone compilation.Project "rejected"
        Expect.contains (errorCodes compilation) code "the expected diagnostic"
    }

[<Tests>]
let tests =
    testList "Config bad input" [
        quick "empty file" (fun () -> compile "") "GORDO0004"
        quick "only a comment" (fun () -> compile "# nothing\n") "GORDO0004"
        quick "malformed YAML" (fun () -> compile "machines: [\n") "GORDO0001"
        quick "tabs" (fun () -> compile "machines:\n\t- name: a\n") "GORDO0001"
        quick "duplicate keys" (fun () -> compile "machines: []\nmachines: []\n") "GORDO0005"
        quick "a scalar document" (fun () -> compile "hello") "GORDO0100"
        quick "machines is a mapping" (fun () -> compile "machines: {a: 1}") "GORDO0100"
        quick "a machine is a string" (fun () -> compile "machines: [a]") "GORDO0100"
        quick "non-UTF-8 bytes" (fun () -> bytes [| 0x6duy; 0x3auy; 0x20uy; 0xffuy; 0xfeuy |]) "GORDO0002"
        quick "binary junk" (fun () -> bytes (Array.init 4096 (fun i -> byte ((i * 7919) % 256)))) "GORDO0002"
        quick "NUL bytes" (fun () -> bytes [| 0x61uy; 0x00uy; 0x62uy |]) "GORDO0001"
        quick "a 50 MB file" (fun () -> bytes (Array.create (50 * 1024 * 1024) (byte 'a'))) "GORDO0003"
        quick "deep nesting" (fun () -> compile (String.replicate 100000 "[")) "GORDO0006"
        quick
            "billion laughs"
            (fun () ->
                let sb = StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")

                for c in 'b' .. 'j' do
                    let prev = char (int c - 1)

                    sb.AppendFormat("{0}: &{0} [*{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}]\n", c, prev)
                    |> ignore

                compile (sb.ToString()))
            "GORDO0007"
        test "a file that does not exist" {
            let compilation =
                Compiler.compileFile Compiler.defaultOptions "/no/such/config.yaml"

            Expect.equal (errorCodes compilation) [ "GORDO0008" ] "not readable"
        }
        test "wrong types at every level give diagnostics, not exceptions" {
            let variants = [
                "globals: 5\nmachines: []"
                "machines:\n  - name: [a]\n"
                "machines:\n  - name: a\n    dataset: 5\n    model: 7\n"
                "machines:\n  - name: a\n    model: {x.Y: 5}\n    dataset: {tags: 5, train_start_date: [], train_end_date: {}}\n"
                "machines:\n  - name: a\n    model: sklearn.decomposition.PCA\n    runtime: [1]\n    evaluation: {metrics: 5, cv: [], seed: x}\n    dataset: {tags: [{}], data_provider: 5}\n"
            ]

            for text in variants do
                let compilation = compile text
                Expect.isNonEmpty (errorCodes compilation) text
        }
    ]
