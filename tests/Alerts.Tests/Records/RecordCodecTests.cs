using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Records;

namespace Alerts.Tests.Records;

public sealed class RecordCodecTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-28T12:00:00.123Z");

    public static TheoryData<DeliveryRecord> Records() =>
    [
        Record() with { Delivered = true, HttpStatus = 200, Attempts = 1 },
        Record() with { HttpStatus = 400, Attempts = 1, LastError = "bad | request\nline two", Round = 2 },
        Record() with { HttpStatus = 503, Attempts = 3, LastError = "HTTP 503", NextAttemptAt = At.AddSeconds(4), FirstAttemptAt = At.AddSeconds(-9) },
        Record() with { InFlight = true, Attempts = 2, FirstAttemptAt = At.AddSeconds(-9) },
    ];

    [Theory]
    [MemberData(nameof(Records))]
    public void A_record_reads_back_as_written(DeliveryRecord record)
    {
        var value = RecordCodec.Encode(record);
        var read = RecordCodec.Decode(record.FileId, RecordCodec.Field(record.UserId, record.AlertId), value);

        Assert.Equal(record, read);
        Assert.True(value.Length < 100 || record.LastError is not null, value);
    }

    [Fact]
    public void A_long_error_is_cut_so_a_record_stays_small()
    {
        var value = RecordCodec.Encode(Record() with { HttpStatus = 400, LastError = new string('x', 10_000) });

        Assert.InRange(value.Length, 512, 600);
    }

    [Fact]
    public void A_value_this_version_cannot_read_is_no_record() =>
        Assert.Null(RecordCodec.Decode("f", RecordCodec.Field("u", "a"), "{\"json\":true}"));

    public static TheoryData<string, string, bool> Replacements() => new()
    {
        // stored, incoming, may replace: a record only moves forward
        { "A", "D", true }, { "A", "R", true }, { "R", "X", true }, { "A", "X", true }, { "R1", "R2", true }, { "X1", "R2", true },
        { "D", "A", false }, { "D", "R", false }, { "D", "X", false }, { "X", "A", false }, { "X", "R", false },
        { "X", "D", true }, { "D", "D", true }, // a delivery the stale writer saw is the truth: the receiver took it
        { "R", "A", false }, { "A", "A", false }, { "X1", "A2", false }, // an in-flight mark only where there is no record
        { "X2", "R1", false }, { "R2", "R1", false }, { "D1", "R2", false },
    };

    [Theory]
    [MemberData(nameof(Replacements))]
    public void A_record_is_replaced_only_by_one_that_moves_it_forward(string stored, string incoming, bool replaces)
    {
        string Value(string code) => RecordCodec.Encode(Record() with
        {
            Delivered = code[0] == 'D',
            InFlight = code[0] == 'A',
            NextAttemptAt = code[0] == 'R' ? At.AddSeconds(2) : null,
            Round = code.Length > 1 ? code[1] - '0' : 0,
        });
        Assert.Equal(replaces, RecordCodec.MayReplace(Value(stored), Value(incoming)));
    }

    [Fact]
    public void Any_value_replaces_none_or_one_this_version_cannot_read()
    {
        var value = RecordCodec.Encode(Record() with { NextAttemptAt = At.AddSeconds(1) });
        Assert.True(RecordCodec.MayReplace(null, value));
        Assert.True(RecordCodec.MayReplace(null, RecordCodec.Encode(Record() with { InFlight = true })));
        Assert.True(RecordCodec.MayReplace("{\"json\":true}", value));
    }

    private static DeliveryRecord Record() => new() { AlertId = "0123456789abcdef0123456789abcdef", FileId = "file-1", UserId = "user|one", Line = 12_345, At = At };
}
