using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Alerts.Notifier.Chaos;

/// <summary>
/// Webhook answers as JSON, padded to at least <c>BodyBytes</c> with a <c>"padding"</c> field so that
/// they stay valid JSON. The padding is streamed from one shared chunk: 100 MB costs no 100 MB buffer.
/// </summary>
public static class PaddedJson
{
    public static IResult Result<T>(T body, JsonTypeInfo<T> type, int statusCode, long bodyBytes) =>
        bodyBytes <= 0
            ? Results.Json(body, type, statusCode: statusCode)
            : new PaddedJsonResult(JsonSerializer.SerializeToUtf8Bytes(body, type), statusCode, bodyBytes);

    private sealed class PaddedJsonResult(byte[] json, int statusCode, long bodyBytes) : IResult
    {
        private static readonly byte[] Open = Encoding.UTF8.GetBytes(",\"padding\":\"");
        private static readonly byte[] Close = Encoding.UTF8.GetBytes("\"}");
        private static readonly byte[] Chunk = Enumerable.Repeat((byte)'x', 64 * 1024).ToArray();

        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            var cancel = context.RequestAborted;
            response.StatusCode = statusCode;
            response.ContentType = "application/json; charset=utf-8";
            if (json.Length >= bodyBytes)
            {
                response.ContentLength = json.Length;
                await response.Body.WriteAsync(json, cancel);
                return;
            }
            // The object's closing brace gives way to the padding field: {"data":"success","padding":"xx…"}
            var head = json.AsMemory(0, json.Length - 1);
            var padding = Math.Max(0, bodyBytes - head.Length - Open.Length - Close.Length);
            response.ContentLength = head.Length + Open.Length + padding + Close.Length;
            await response.Body.WriteAsync(head, cancel);
            await response.Body.WriteAsync(Open, cancel);
            for (var left = padding; left > 0; left -= Chunk.Length)
                await response.Body.WriteAsync(Chunk.AsMemory(0, (int)Math.Min(left, Chunk.Length)), cancel);
            await response.Body.WriteAsync(Close, cancel);
        }
    }
}
