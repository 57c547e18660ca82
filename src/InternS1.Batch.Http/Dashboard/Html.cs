using System.Globalization;
using System.Net;
using System.Text;
using InternS1.Batch.Storage.Reporting;

namespace InternS1.Batch.Http.Dashboard;

/// <summary>The page frame and the small formatting helpers of the dashboard's server-rendered HTML (no script).</summary>
internal static class Html
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#fafbfc}
        h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
        table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:right}
        th:first-child,td:first-child{text-align:left}td.text{text-align:left;max-width:48rem;overflow-wrap:anywhere}
        progress{width:10rem;height:1rem}a{color:#0969da}.muted{color:#656d76}
        svg{background:#fff;border:1px solid #d0d7de}
        """;

    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Url(string segment) => Uri.EscapeDataString(segment);

    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Rate(double? value) => RateText.Rate(value);

    public static string Eta(double? seconds, long pending) => RateText.Eta(seconds, pending);

    public static string Ms(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "-";

    public static string Time(DateTime? value) => value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>A table cell carrying its field name (<c>data-field</c>) so tests and scrapers can find it.</summary>
    public static string Cell(string field, string text) => $"<td data-field=\"{field}\">{Encode(text)}</td>";

    /// <summary>The whole page around <paramref name="body"/>.</summary>
    public static string Page(string title, string body, TimeSpan refresh)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        if (refresh > TimeSpan.Zero)
            html.Append(CultureInfo.InvariantCulture, $"<meta http-equiv=\"refresh\" content=\"{(int)Math.Ceiling(refresh.TotalSeconds)}\">");
        html.Append("<title>").Append(Encode(title)).Append(" - interns1</title><style>").Append(Style).Append("</style></head><body>");
        html.Append(body);
        html.Append("<p class=\"muted\">Read-only view of the dashboard views; cancel and requeue stay in the <code>interns1</code> CLI.</p>");
        html.Append("</body></html>");
        return html.ToString();
    }
}
