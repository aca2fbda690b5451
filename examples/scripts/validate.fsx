printfn "placeholder"
