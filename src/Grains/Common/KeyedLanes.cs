namespace Alerts.Grains.Common;

/// <summary>
/// One send at a time per key, and keys independent of each other: items for a key whose send is under way wait
/// and go together in its next send, while every other key goes on. A receiver that never answers (its silo
/// frozen or cut off) thus holds back only its own items, however long its call takes to fail.
/// </summary>
public sealed class KeyedLanes<TKey, TItem>(Func<TKey, List<TItem>, Task> send) where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, List<TItem>?> _lanes = []; // a key is here while its send is under way; the list holds what waits

    /// <summary>Keys with a send under way.</summary>
    public int Busy
    {
        get
        {
            lock (_lock) return _lanes.Count;
        }
    }

    /// <summary>Sends <paramref name="items"/> now, or with the key's next send if one is under way. Never waits.</summary>
    public void Post(TKey key, List<TItem> items)
    {
        lock (_lock)
        {
            if (_lanes.TryGetValue(key, out var waiting))
            {
                if (waiting is null) _lanes[key] = items;
                else waiting.AddRange(items);
                return;
            }
            _lanes[key] = null;
        }
        _ = RunAsync(key, items);
    }

    private async Task RunAsync(TKey key, List<TItem> items)
    {
        while (true)
        {
            try
            {
                await send(key, items).ConfigureAwait(false);
            }
            catch
            {
                // The sender handles its own failures; a lane must never stay busy because one threw.
            }
            lock (_lock)
            {
                if (_lanes[key] is not { } next)
                {
                    _lanes.Remove(key);
                    return;
                }
                _lanes[key] = null;
                items = next;
            }
        }
    }
}
