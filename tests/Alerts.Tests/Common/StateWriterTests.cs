using Alerts.Grains.Common;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.Common;

/// <summary>A grain's state writes: one in flight, saves meanwhile folded into the next, checkpoints at most once a period.</summary>
public sealed class StateWriterTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-07T12:00:00Z"));
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly List<TaskCompletionSource> _writes = [];
    private readonly SemaphoreSlim _started = new(0);
    private readonly StateWriter _writer;

    // Each write waits for the test to finish it; a write starts on the scheduler, not inside the call that asked for it.
    public StateWriterTests() => _writer = new StateWriter(() =>
    {
        var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_writes) _writes.Add(write);
        _started.Release();
        return write.Task;
    }, _clock, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Saves_asked_while_a_write_is_in_flight_are_folded_into_one_next_write()
    {
        var first = _writer.SaveAsync();
        Assert.True(await _started.WaitAsync(Patience));
        var second = _writer.SaveAsync();
        var third = _writer.SaveAsync();

        _writes[0].SetResult();
        await first;
        Assert.True(await _started.WaitAsync(Patience)); // one more write, for both saves asked meanwhile
        Assert.False(second.IsCompleted);
        _writes[1].SetResult();
        await Task.WhenAll(second, third);
        Assert.Equal(2, _writes.Count);
    }

    [Fact]
    public async Task A_checkpoint_within_the_period_waits_for_a_flush_after_it()
    {
        await Completing(_writer.CheckpointAsync());
        var soon = _writer.CheckpointAsync();
        var flushedEarly = _writer.FlushAsync();
        _clock.Advance(TimeSpan.FromSeconds(1));
        await Completing(_writer.FlushAsync());
        var nothingLeft = _writer.FlushAsync();

        Assert.True(soon.IsCompleted && flushedEarly.IsCompleted && nothingLeft.IsCompleted);
        Assert.Equal(2, _writes.Count);
    }

    [Fact]
    public async Task A_failed_write_fails_the_saves_it_served_and_the_next_save_writes_again()
    {
        var failing = _writer.SaveAsync();
        Assert.True(await _started.WaitAsync(Patience));
        _writes[0].SetException(new InvalidOperationException("etag"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);

        await Completing(_writer.SaveAsync());
        Assert.Equal(2, _writes.Count);
    }

    private async Task Completing(Task save)
    {
        Assert.True(await _started.WaitAsync(Patience));
        _writes[^1].SetResult();
        await save;
    }
}
