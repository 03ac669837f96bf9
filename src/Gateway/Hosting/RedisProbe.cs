using StackExchange.Redis;

namespace Alerts.Gateway.Hosting;

/// <summary>Whether the cluster's Redis answers, for readiness: one connection, made on first use and kept.</summary>
public sealed class RedisProbe(ConfigurationOptions options) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectionMultiplexer.ConnectAsync(WithoutWaiting(options)));

    public async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            var redis = await _connection.Value.WaitAsync(cancellationToken);
            await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception error) when (error is RedisException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

    // Connects in the background when Redis is down at first, instead of failing the probe for good.
    private static ConfigurationOptions WithoutWaiting(ConfigurationOptions options)
    {
        var copy = options.Clone();
        copy.AbortOnConnectFail = false;
        return copy;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully) await (await _connection.Value).DisposeAsync();
    }
}
