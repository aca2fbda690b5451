module Gordo.Tests.Yaml.ScalarEdgeTests

open Expecto
open Gordo.Core.Yaml

let private plain text = Scalar.resolve text ScalarStyle.Plain

[<Tests>]
let tests =
    testList "Yaml.Scalar edge cases" [
        test "digit-less float look-alikes are strings, not a crash" {
            for text in [ "-."; "+."; "._"; "-._" ] do
                Expect.equal (plain text) (Scalar.String text) text
        }
        test "texts that cannot be numbers or dates skip the number rules" {
            Expect.equal (plain "TAG-1") (Scalar.String "TAG-1") "tag"
            Expect.equal (plain "asset-00001") (Scalar.String "asset-00001") "name"
            Expect.equal (plain "_1") (Scalar.String "_1") "underscore first"
        }
        test "texts starting with a sign, dot or digit still resolve" {
            Expect.equal (plain "+12") (Scalar.Int 12L) "signed int"
            Expect.equal (plain "1_000") (Scalar.Int 1000L) "underscores"
            Expect.equal (plain "-.inf") (Scalar.Float System.Double.NegativeInfinity) "-.inf"
            Expect.equal (plain "+.5") (Scalar.Float 0.5) "signed dot float"

            Expect.isTrue
                (System.Double.IsNaN(
                    match plain ".NaN" with
                    | Scalar.Float f -> f
                    | _ -> 0.0
                ))
                ".NaN"

            Expect.equal (plain "2016-11-07T09:11:30Z") (Scalar.Timestamp("2016-11-07T09:11:30Z", true)) "timestamp"
        }
    ]
