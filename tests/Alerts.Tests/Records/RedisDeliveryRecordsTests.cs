using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Records;
using Alerts.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Alerts.Tests.Records;

/// <summary>The record store against a real redis-server: what it keeps, what one group costs, and when it forgets.</summary>
public sealed class RedisDeliveryRecordsTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(_folder.Combine("redis"));
        _connection = await ConnectionMultiplexer.ConnectAsync($"{_redis.ConnectionString},allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_record_is_found_by_file_user_and_alert_and_the_last_write_wins()
    {
        var records = Store();
        var inFlight = Record("f1", "u1", "a1") with { InFlight = true };
        var delivered = Record("f1", "u1", "a1") with { Delivered = true, HttpStatus = 200, Attempts = 1 };

        await Task.WhenAll(records.WriteAsync(inFlight), records.WriteAsync(delivered), records.WriteAsync(Record("f1", "u2", "a2")));
        var found = await records.FindAsync([new("f1", "u1", "a1"), new("f1", "u1", "a2"), new("f2", "u1", "a1"), new("f1", "u2", "a2")]);

        Assert.Equal(delivered, found[0]);
        Assert.Null(found[1]); // another user's alert id
        Assert.Null(found[2]); // another file
        Assert.Equal(DeliveryStatus.DeadLettered, found[3]!.Status);
    }

    [Fact]
    public async Task A_thousand_users_records_written_together_cost_one_round_trip_and_a_hundred_bytes_or_so_each()
    {
        var records = Store(commitInterval: TimeSpan.FromMilliseconds(50));
        var before = await CommandsAsync();

        await Task.WhenAll(Enumerable.Range(0, 1_000).Select(u => records.WriteAsync(Record("f1", $"user-{u}", $"{u:x32}") with { Delivered = true, HttpStatus = 200 })));
        var found = await records.FindAsync([.. Enumerable.Range(0, 1_000).Select(u => new RecordKey("f1", $"user-{u}", $"{u:x32}"))]);
        var after = await CommandsAsync();

        Assert.All(found, r => Assert.True(r!.Delivered));
        // one script call (deliveries in one HSET inside Redis, with the expiry), one HMGET
        Assert.Equal(1, after.Calls("eval") + after.Calls("evalsha") - before.Calls("eval") - before.Calls("evalsha"));
        Assert.Equal(1, after.Calls("hset") - before.Calls("hset"));
        Assert.Equal(1, after.Calls("pexpire") - before.Calls("pexpire"));
        Assert.Equal(1, after.Calls("hmget") - before.Calls("hmget"));
        Assert.InRange((after.Bytes - before.Bytes) / 1_000.0, 60, 200);
    }

    [Fact]
    public async Task A_stale_writer_never_replaces_a_newer_outcome()
    {
        // Two silos' stores on one Redis: the second stands for an activation that went on after its silo was frozen.
        var current = Store();
        var stale = Store();
        var delivered = Record("f1", "u1", "a1") with { Delivered = true, HttpStatus = 200 };
        var dead = Record("f1", "u1", "a2") with { Round = 1 };
        await current.WriteAsync(delivered);
        await current.WriteAsync(dead);

        await stale.WriteAsync(Record("f1", "u1", "a1") with { InFlight = true, Attempts = 0, HttpStatus = null, LastError = null });
        await stale.WriteAsync(Record("f1", "u1", "a2") with { Round = 1, NextAttemptAt = DateTimeOffset.UtcNow.AddMinutes(1) }); // backing off, same round
        await stale.WriteAsync(Record("f1", "u1", "a2") with { Round = 0, Delivered = false, HttpStatus = 503 }); // an older round
        var found = await current.FindAsync([new("f1", "u1", "a1"), new("f1", "u1", "a2")]);
        Assert.Equal(delivered, found[0]);
        Assert.Equal(dead, found[1]);

        // What moves a record forward still lands: a newer round's back-off, then its delivery; an in-flight mark only on no record.
        var retried = Record("f1", "u1", "a2") with { Round = 2, NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()) };
        await stale.WriteAsync(retried);
        Assert.Equal(retried, (await current.FindAsync([new("f1", "u1", "a2")]))[0]);
        var first = Record("f1", "u2", "a3") with { InFlight = true, HttpStatus = null, LastError = null };
        await stale.WriteAsync(first);
        Assert.Equal(first, (await current.FindAsync([new("f1", "u2", "a3")]))[0]);
        var redelivered = Record("f1", "u1", "a2") with { Round = 2, Delivered = true, HttpStatus = 200, LastError = null };
        await current.WriteAsync(redelivered);
        Assert.Equal(redelivered, (await current.FindAsync([new("f1", "u1", "a2")]))[0]);
    }

    [Fact]
    public async Task A_users_records_are_listed_newest_first_and_no_other_users()
    {
        var records = Store();
        var start = DateTimeOffset.UtcNow;
        await Task.WhenAll(
            records.WriteAsync(Record("f1", "a*b", "old") with { At = start }),
            records.WriteAsync(Record("f2", "a*b", "new") with { At = start.AddSeconds(1) }),
            records.WriteAsync(Record("f1", "axxb", "other")),
            records.WriteAsync(Record("f1", "a*bc", "other")));

        var listed = await records.ListAsync("a*b", ["f1", "f2", "f3"], limit: 10);

        Assert.Equal(["new", "old"], listed.Select(r => r.AlertId));
        Assert.All(listed, r => Assert.Equal("a*b", r.UserId));
    }

    [Fact]
    public async Task A_files_records_expire_a_retention_period_after_its_last_write_or_when_forgotten()
    {
        var records = Store(retention: TimeSpan.FromSeconds(1));
        await records.WriteAsync(Record("f1", "u1", "a1"));
        await records.WriteAsync(Record("f2", "u1", "a1"));
        var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync("svc/records/f1");

        await records.ForgetFileAsync("f2");
        var forgotten = (await records.FindAsync([new("f2", "u1", "a1")]))[0];
        await Eventually.Until(async () => (await records.FindAsync([new("f1", "u1", "a1")]))[0], r => r is null, "the record expired", TimeSpan.FromSeconds(10));

        Assert.InRange(ttl!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Null(forgotten);
        Assert.Equal(0L, (long)await _connection.GetDatabase().ExecuteAsync("DBSIZE")); // nothing left behind
    }

    [Fact]
    public async Task The_silos_records_connection_closes_with_its_services()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = _redis.ConnectionString,
            [$"{WebhookOptions.Section}:Url"] = "http://127.0.0.1:9/webhook",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddAlertsGrainServices(configuration).BuildServiceProvider();
        await services.GetRequiredService<DeliveryRecords>().WriteAsync(Record("f9", "u1", "a1")); // connected
        var connected = await ClientsAsync();

        await services.DisposeAsync();

        await Eventually.Until(ClientsAsync, clients => clients < connected, "the records connection closed");
    }

    private async Task<long> ClientsAsync()
    {
        var server = _connection.GetServer(_connection.GetEndPoints()[0]);
        var clients = (await server.InfoAsync("clients")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return long.Parse(clients["connected_clients"]);
    }

    private RedisDeliveryRecords Store(TimeSpan? retention = null, TimeSpan? commitInterval = null) => new(
        Task.FromResult(_connection),
        Options.Create(new RecordOptions { Retention = retention ?? TimeSpan.FromDays(7), CommitInterval = commitInterval ?? TimeSpan.FromMilliseconds(10) }),
        Options.Create(new ClusterOptions { ServiceId = "svc" }),
        TimeProvider.System);

    private static DeliveryRecord Record(string fileId, string userId, string alertId) => new()
    {
        FileId = fileId, UserId = userId, AlertId = alertId, Line = 7, At = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), HttpStatus = 400, Attempts = 1, LastError = "HTTP 400",
    };

    private async Task<CommandCounts> CommandsAsync()
    {
        var server = _connection.GetServer(_connection.GetEndPoints()[0]);
        var stats = (await server.InfoAsync("stats")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        var calls = (await server.InfoAsync("commandstats")).SelectMany(g => g)
            .ToDictionary(p => p.Key["cmdstat_".Length..], p => long.Parse(p.Value.Split(',')[0]["calls=".Length..]));
        return new(calls, long.Parse(stats["total_net_input_bytes"]));
    }

    private sealed record CommandCounts(Dictionary<string, long> ByCommand, long Bytes)
    {
        public long Calls(string command) => ByCommand.GetValueOrDefault(command);
    }
}
