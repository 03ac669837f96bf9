using System.Security.Cryptography;
using System.Text;

namespace Alerts.Bench.Runs;

/// <summary>The rows both runs send: row i is for user i mod users, with a distinct message.</summary>
public static class AlertRows
{
    public static (string UserId, string Message) Row(int i, int users, string salt = "") => ($"user-{i % users}", $"bench alert {i}{salt}, see the portal");

    /// <summary>
    /// Writes the CSV and returns its file id (the SHA-256 of its bytes); a salt makes another file's alerts distinct.
    /// With <paramref name="heavyEvery"/> = n, every n-th row is for one heavy user instead.
    /// </summary>
    public static string WriteCsv(string path, int rows, int users, string salt = "", int heavyEvery = 0)
    {
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            writer.Write("userId,alertMessage\n");
            for (var i = 0; i < rows; i++)
            {
                var (user, message) = Row(i, users, salt);
                if (heavyEvery > 0 && i % heavyEvery == 0) user = "user-heavy";
                writer.Write($"{user},\"{message}\"\n");
            }
        }
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
