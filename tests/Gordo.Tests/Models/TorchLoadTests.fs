module Gordo.Tests.Models.TorchLoadTests

open Expecto
open TorchSharp
open Gordo.Models.Torch

[<Tests>]
let tests =
    testList "Models.Torch loading" [
        test "libtorch loads and a tiny forward/backward pass computes the right gradient" {
            Native.ensure ()
            use w = torch.tensor ([| 1.0f; 2.0f; 3.0f |], requires_grad = true)
            use x = torch.tensor [| 4.0f; 5.0f; 6.0f |]
            use y = (w * x).sum ()
            y.backward ()
            Expect.equal (y.item<float32> ()) 32.0f "forward value"
            Expect.sequenceEqual (w.grad.data<float32> () |> Seq.toArray) [| 4.0f; 5.0f; 6.0f |] "d(w·x)/dw = x"
        }
    ]
