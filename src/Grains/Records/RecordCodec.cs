using System.Globalization;
using System.Runtime.CompilerServices;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Records;

/// <summary>
/// A delivery record as stored: a field <c>userId␟alertId</c> in its file's hash, and a short text value
/// <c>status|line|round|attempts|http|at|firstAttempt|nextAttempt|error</c> (times in Unix milliseconds,
/// status D delivered, X dead-lettered, R backing off, A in flight). About 100 bytes per alert where a
/// serialized object would be several times that; the error comes last, so it may hold any character.
/// </summary>
public static class RecordCodec
{
    /// <summary>Separates the user id from the alert id in a field: user ids never hold control characters.</summary>
    public const char FieldSeparator = '\u001f';
    private const int MaxError = 512;

    public static string Field(string userId, string alertId) => $"{userId}{FieldSeparator}{alertId}";

    /// <summary>The user id and alert id of a field.</summary>
    public static (string UserId, string AlertId) SplitField(string field)
    {
        var at = field.LastIndexOf(FieldSeparator);
        return at < 0 ? ("", field) : (field[..at], field[(at + 1)..]);
    }

    public static string Encode(DeliveryRecord record)
    {
        var status = record.Status switch
        {
            DeliveryStatus.Delivered => 'D',
            DeliveryStatus.InFlight => 'A',
            DeliveryStatus.Retrying => 'R',
            _ => 'X',
        };
        var error = record.LastError.AsSpan();
        if (error.Length > MaxError) error = error[..MaxError];
        // Appended piece by piece into one buffer: the value is the only string made.
        var value = new DefaultInterpolatedStringHandler(8, 9, CultureInfo.InvariantCulture, stackalloc char[128]);
        value.AppendFormatted(status);
        value.AppendLiteral("|");
        value.AppendFormatted(record.Line);
        value.AppendLiteral("|");
        value.AppendFormatted(record.Round);
        value.AppendLiteral("|");
        value.AppendFormatted(record.Attempts);
        value.AppendLiteral("|");
        if (record.HttpStatus is { } http) value.AppendFormatted(http);
        value.AppendLiteral("|");
        value.AppendFormatted(record.At.ToUnixTimeMilliseconds());
        value.AppendLiteral("|");
        if (record.FirstAttemptAt is { } first) value.AppendFormatted(first.ToUnixTimeMilliseconds());
        value.AppendLiteral("|");
        if (record.NextAttemptAt is { } next) value.AppendFormatted(next.ToUnixTimeMilliseconds());
        value.AppendLiteral("|");
        value.AppendFormatted(error);
        return value.ToStringAndClear();
    }

    /// <summary>
    /// Whether <paramref name="incoming"/> may replace the stored value. A record only moves forward, whoever writes
    /// it: an activation that went on after its silo was frozen or cut off (and its alerts went to another) must not
    /// write over a newer outcome. A delivery replaces anything (the receiver took it); an in-flight mark goes only where
    /// there is no record (any record already says as much: an alert with one is sent again if its silo dies); otherwise
    /// delivered is final, a newer retry round replaces an older one, and within a round a dead letter is final.
    /// <see cref="ReplaceScript"/> is the same rule in Redis.
    /// </summary>
    public static bool MayReplace(string? stored, string incoming)
    {
        if (stored is null) return true;
        if (incoming.StartsWith('A')) return false; // an in-flight mark goes only where there is no record yet (HSETNX): a first attempt's
        if (Head(stored) is not var (old, oldRound) || Head(incoming) is not var (@new, newRound)) return true;
        if (@new == 'D') return true;
        if (old == 'D') return false;
        if (newRound != oldRound) return newRound > oldRound;
        return old != 'X';
    }

    /// <summary>
    /// Writes field/value pairs (ARGV[2..]) into one hash (KEYS[1]) where <see cref="MayReplace"/> allows, then pushes
    /// its expiry to ARGV[1] milliseconds (0: leaves it). Deliveries need no look at what is stored; the rest are read
    /// in one HMGET and judged in the script, and everything allowed goes in one HSET (per 1,000 fields): a group costs
    /// Redis a few commands, not a few per record. The expiry is inside the script so that a script sent again after a
    /// Redis restart (NOSCRIPT) cannot land after it on a key it would then create.
    /// </summary>
    public const string ReplaceScript = """
        local key = KEYS[1]
        local writes, judged, fields = {}, {}, {}
        for i = 2, #ARGV, 2 do
          if string.sub(ARGV[i + 1], 1, 1) == 'D' then
            writes[#writes + 1] = ARGV[i]
            writes[#writes + 1] = ARGV[i + 1]
          else
            judged[#judged + 1] = i
            fields[#fields + 1] = ARGV[i]
          end
        end
        for s = 1, #fields, 1000 do
          local stored = redis.call('HMGET', key, unpack(fields, s, math.min(s + 999, #fields)))
          for k = 1, #stored do
            local i = judged[s + k - 1]
            local incoming = ARGV[i + 1]
            local replace = true
            if stored[k] then
              if string.sub(incoming, 1, 1) == 'A' then replace = false
              else
                local old, oldRound = string.match(stored[k], '^(%a)|[^|]*|(%d+)|')
                local new, newRound = string.match(incoming, '^(%a)|[^|]*|(%d+)|')
                if old and new then
                  if old == 'D' then replace = false
                  elseif tonumber(newRound) ~= tonumber(oldRound) then replace = tonumber(newRound) > tonumber(oldRound)
                  else replace = old ~= 'X' end
                end
              end
            end
            if replace then
              writes[#writes + 1] = ARGV[i]
              writes[#writes + 1] = incoming
            end
          end
        end
        for s = 1, #writes, 2000 do
          redis.call('HSET', key, unpack(writes, s, math.min(s + 1999, #writes)))
        end
        if ARGV[1] ~= '0' then redis.call('PEXPIRE', key, ARGV[1]) end
        return 0
        """;

    // The status and retry round at the head of a stored value.
    private static (char Status, int Round)? Head(string value)
    {
        var first = value.IndexOf('|');
        var second = first < 0 ? -1 : value.IndexOf('|', first + 1);
        var third = second < 0 ? -1 : value.IndexOf('|', second + 1);
        if (first != 1 || third < 0 || !int.TryParse(value.AsSpan(second + 1, third - second - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var round))
            return null;
        return (value[0], round);
    }

    /// <summary>The record a stored value describes, or null for a value this version cannot read.</summary>
    public static DeliveryRecord? Decode(string fileId, string field, string value)
    {
        var parts = value.Split('|', 9);
        if (parts.Length != 9 || parts[0].Length != 1) return null;
        var (userId, alertId) = SplitField(field);
        var status = parts[0][0];
        return new DeliveryRecord
        {
            AlertId = alertId,
            FileId = fileId,
            UserId = userId,
            Delivered = status == 'D',
            InFlight = status == 'A',
            Line = long.Parse(parts[1], CultureInfo.InvariantCulture),
            Round = int.Parse(parts[2], CultureInfo.InvariantCulture),
            Attempts = int.Parse(parts[3], CultureInfo.InvariantCulture),
            HttpStatus = parts[4].Length == 0 ? null : int.Parse(parts[4], CultureInfo.InvariantCulture),
            At = Time(parts[5]) ?? default,
            FirstAttemptAt = Time(parts[6]),
            NextAttemptAt = status == 'R' ? Time(parts[7]) ?? default : null,
            LastError = parts[8].Length == 0 ? null : parts[8],
        };
    }

    private static DateTimeOffset? Time(string millis) =>
        millis.Length == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(millis, CultureInfo.InvariantCulture));
}
