namespace Gordo.Cli

open Argu
open Gordo.Workflow
open Microsoft.FSharp.Reflection

/// `gordo workflow generate` options: one case per option of spec §7.1 (names, env vars and
/// defaults come from `WorkflowOptionSpecs`; values are parsed and checked by `WorkflowOptions`).
type WorkflowGenerateArgs =
    | Machine_Config of path: string
    | Workflow_Template of path: string
    | Owner_References of json: string
    | Gordo_Version of version: string
    | Project_Name of name: string
    | Project_Revision of revision: string
    | Output_File of path: string
    | Namespace of ``namespace``: string
    | Split_Workflows of count: string
    | N_Servers of count: string
    | Docker_Repository of repository: string
    | Docker_Registry of registry: string
    | Retry_Backoff_Duration of duration: string
    | Retry_Backoff_Factor of factor: string
    | Gordo_Server_Workers of count: string
    | Gordo_Server_Threads of count: string
    | Gordo_Server_Probe_Timeout of seconds: string
    | Without_Prometheus
    | Prometheus_Metrics_Server_Workers of count: string
    | Image_Pull_Policy of policy: string
    | With_Keda
    | Ml_Server_Hpa_Type of hpa_type: string
    | Custom_Model_Builder_Envs of json: string
    | Prometheus_Server_Address of address: string
    | Keda_Prometheus_Metric_Name of name: string
    | Keda_Prometheus_Query of query: string
    | Keda_Prometheus_Threshold of threshold: string
    | Resources_Labels of json: string
    | Model_Builder_Labels of json: string
    | Server_Labels of json: string
    | Server_Termination_Grace_Period of seconds: string
    | Server_Target_Cpu_Utilization_Percentage of percent: string
    | Gordo_Server_Readiness_Initial_Delay of seconds: string
    | Gordo_Server_Liveness_Initial_Delay of seconds: string
    | Security_Context of json: string
    | Pod_Security_Context of json: string
    | Default_Data_Provider of provider: string
    | Model_Builder_Class of ``class``: string
    | Argo_Version of version: string
    | Argo_Binary of binary: string
    | No_Validate
    | Log_Level of level: string

    /// The option's long name (`Machine_Config` → `machine-config`).
    static member OptionName(case: UnionCaseInfo) : string =
        case.Name.ToLowerInvariant().Replace('_', '-')

    interface IArgParserTemplate with
        member this.Usage =
            let case, _ = FSharpValue.GetUnionFields(this, typeof<WorkflowGenerateArgs>)

            match WorkflowGenerateArgs.OptionName case with
            | "log-level" -> "log level (default: globals.runtime.log_level, env GORDO_LOG_LEVEL, INFO)."
            | name ->
                let spec = WorkflowOptionSpecs.find name

                let env =
                    spec.Environment
                    |> Option.map (fun e -> $" [env %s{e}]")
                    |> Option.defaultValue ""

                spec.Help + env

/// `gordo workflow ...`
type WorkflowArgs =
    | [<CliPrefix(CliPrefix.None)>] Generate of ParseResults<WorkflowGenerateArgs>

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Generate _ -> "compile a config into Argo Workflows (validated offline against the embedded schemas)."
