using System.Globalization;

namespace InternS1.Batch.Storage.Reporting;

/// <summary>How rates and ETAs of <see cref="DatasetRate"/> are written (<c>interns1 status</c> and the dashboard alike).</summary>
public static class RateText
{
    /// <summary>"12.5" (one decimal), or "-" without a rate.</summary>
    public static string Rate(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    /// <summary>"done" when nothing is pending, "-" without a rate, else "45s", "3m 20s", "2h 05m" or "3d 04h".</summary>
    public static string Eta(double? seconds, long pending)
    {
        if (pending == 0)
            return "done";
        if (seconds is not { } s)
            return "-";
        var t = TimeSpan.FromSeconds(Math.Ceiling(s));
        return t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours:00}h"
            : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:00}m"
            : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m {t.Seconds:00}s"
            : $"{(int)t.TotalSeconds}s";
    }
}
