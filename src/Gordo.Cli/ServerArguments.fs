namespace Gordo.Cli

open Argu

/// `gordo run-server [options]` (spec §6.3; options also read from GORDO_SERVER_* variables).
type RunServerArgs =
    | Host of ip: string
    | Port of port: int
    | Workers of count: int
    | Threads of count: int
    | Worker_Connections of count: int
    | Worker_Class of name: string
    | Log_Level of level: string
    | Server_App of app: string
    | With_Prometheus_Config

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Host _ -> "IP address to bind (default 0.0.0.0)."
            | Port _ -> "port, 1..65535 (default 5555)."
            | Workers _ -> "1..4 (default 2); one Kestrel process serves every core, this sizes its thread pool."
            | Threads _ -> "threads per worker (default 8)."
            | Worker_Connections _ -> "accepted for compatibility; ignored (Kestrel)."
            | Worker_Class _ -> "accepted for compatibility; ignored (Kestrel)."
            | Log_Level _ -> "critical, error, warning, info or debug (default debug)."
            | Server_App _ -> "accepted for compatibility; ignored."
            | With_Prometheus_Config ->
                "accepted for compatibility; ignored (with ENABLE_PROMETHEUS=true this process serves /metrics)."
