module Gordo.Tests.Yaml.ScalarTests

open Expecto
open Gordo.Core.Yaml

let private plain text = Scalar.resolve text ScalarStyle.Plain

[<Tests>]
let tests =
    testList "Yaml.Scalar" [
        test "YAML 1.1 booleans as PyYAML reads them" {
            for t in [ "yes"; "True"; "ON" ] do
                Expect.equal (plain t) (Scalar.Bool true) t

            for f in [ "no"; "false"; "Off" ] do
                Expect.equal (plain f) (Scalar.Bool false) f

            Expect.equal (plain "y") (Scalar.String "y") "y is a string in PyYAML"
        }
        test "numbers: ints, floats, 1e5 is a string in PyYAML" {
            Expect.equal (plain "42") (Scalar.Int 42L) "int"
            Expect.equal (plain "-0x1F") (Scalar.Int -31L) "hex"
            Expect.equal (plain "1.5") (Scalar.Float 1.5) "float"
            Expect.equal (plain "1.0e+5") (Scalar.Float 100000.0) "exponent"
            Expect.equal (plain "1e5") (Scalar.String "1e5") "no dot"
            Expect.equal (plain "321M") (Scalar.String "321M") "unit"
        }
        test "nulls and quoted scalars" {
            Expect.equal (plain "~") Scalar.Null "tilde"
            Expect.equal (plain "") Scalar.Null "empty"
            Expect.equal (Scalar.resolve "null" ScalarStyle.Quoted) (Scalar.String "null") "quoted"
        }
        test "timestamps know whether they carry a zone" {
            Expect.equal (plain "2020-01-01T00:00:00Z") (Scalar.Timestamp("2020-01-01T00:00:00Z", true)) "Z"

            Expect.equal
                (plain "2020-01-01 10:00:00+01:00")
                (Scalar.Timestamp("2020-01-01 10:00:00+01:00", true))
                "offset"

            Expect.equal (plain "2020-01-01T00:00:00") (Scalar.Timestamp("2020-01-01T00:00:00", false)) "naive"
        }
    ]
