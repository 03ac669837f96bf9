using Alerts.Gateway.Access;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Alerts.Gateway.Hosting;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, with the API key as its security scheme and errors as problem
/// details, and an interactive reference (Scalar) at <c>/docs</c>. Both are public: they describe, they hold no data.
/// </summary>
public static class ApiDocs
{
    private const string KeyScheme = "ApiKey";

    public static void AddApiDocs(this WebApplicationBuilder builder) => builder.Services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Alerts gateway",
                Version = "v1",
                Description = "Upload files of (userId, alertMessage) rows, watch them being delivered, read their reports, retry dead letters. "
                    + "With Gateway__ApiKey set, every call but /health* needs X-Api-Key (or a bearer token).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[KeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                Name = "X-Api-Key",
                In = ParameterLocation.Header,
                Description = "One of the keys in Gateway__ApiKey.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(KeyScheme, document)] = [] }];
            return Task.CompletedTask;
        });
    });

    public static void MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("Alerts gateway")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddPreferredSecuritySchemes(KeyScheme));
    }
}

/// <summary>The upload's form, described for the OpenAPI document (the endpoint streams it rather than binding it).</summary>
public static class UploadForm
{
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "file" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "CSV (userId,alertMessage; or one column of user ids with alertMessage) or JSON Lines (.jsonl, .ndjson)." },
                            ["alertMessage"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 4096, Description = "The message every user gets, for a file of user ids only." },
                            ["force"] = new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Send again even if this content was sent before (a new file id)." },
                            ["notBefore"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "Send nothing of the file before this time (ISO 8601, at most 30 days ahead); the file shows Scheduled until then." },
                            ["priority"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("high"), System.Text.Json.Nodes.JsonValue.Create("normal")], Description = "high: its attempts get permits before those of normal files, across the cluster. Default normal." },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }
}
