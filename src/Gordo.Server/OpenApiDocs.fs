namespace Gordo.Server

open System.Collections.Generic
open System.Text.Json.Nodes
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.OpenApi
open Microsoft.Extensions.DependencyInjection
open Microsoft.OpenApi

/// The OpenAPI document (`/openapi/v1.json`, Microsoft.AspNetCore.OpenApi) and the interactive
/// Swagger UI (`/swagger`): every route of the route table with its request and response examples
/// and its error statuses.
[<RequireQualifiedAccess>]
module internal OpenApiDocs =
    /// Where the document is served.
    [<Literal>]
    let DocumentPath = "/openapi/v1.json"

    /// Where the UI is served.
    [<Literal>]
    let UiPath = "/swagger"

    let private media (example: string option) : OpenApiMediaType =
        OpenApiMediaType(Example = (example |> Option.map JsonNode.Parse |> Option.toObj))

    let private requestBody (example: string) : OpenApiRequestBody =
        let content = Dictionary<string, OpenApiMediaType>()
        content.["application/json"] <- media (Some example)

        content.["multipart/form-data"] <-
            OpenApiMediaType(
                Example = JsonValue.Create "files X (and y): Parquet written by pandas.DataFrame.to_parquet"
            )

        OpenApiRequestBody(
            Description = "X (and y) as JSON in any pandas form, or as multipart Parquet files",
            Required = true,
            Content = content
        )

    let private response (description: string) (contentType: string) (example: string option) =
        let content = Dictionary<string, OpenApiMediaType>()

        if contentType <> "" then
            content.[contentType] <- media example

        OpenApiResponse(Description = description, Content = content) :> IOpenApiResponse

    let private ok (spec: RouteSpec) =
        match spec.ResponseExample with
        | Some e -> response "OK" "application/json" (Some e)
        | None when spec.Template.EndsWith "download-model" ->
            response "The model artifact" "application/octet-stream" None
        | None -> response "OK (empty body)" "" None

    let private describe (spec: RouteSpec) (operation: OpenApiOperation) =
        operation.Summary <- spec.Summary
        operation.Description <- spec.Description

        spec.RequestExample
        |> Option.iter (fun e -> operation.RequestBody <- requestBody e)

        operation.Responses <- OpenApiResponses()
        operation.Responses.["200"] <- ok spec

        for status, meaning in spec.Errors do
            operation.Responses.[string status] <- response meaning "application/json" (Some """{"message": "..."}""")

    /// Registers the document generator (call on the builder's services).
    let addServices (services: IServiceCollection) : unit =
        services.AddOpenApi(fun options ->
            options.AddOperationTransformer(fun operation context _ ->
                context.Description.ActionDescriptor.EndpointMetadata
                |> Seq.tryPick (function
                    | :? RouteSpec as spec -> Some spec
                    | _ -> None)
                |> Option.iter (fun spec -> describe spec operation)

                Task.CompletedTask)
            |> ignore)
        |> ignore

    /// Serves the document and the UI.
    let map (app: WebApplication) : unit =
        app.MapOpenApi(DocumentPath) |> ignore

        app.UseSwaggerUI(fun o ->
            o.SwaggerEndpoint(DocumentPath, "Gordo ML server")
            o.RoutePrefix <- UiPath.TrimStart '/'
            o.DocumentTitle <- "Gordo ML server")
        |> ignore
