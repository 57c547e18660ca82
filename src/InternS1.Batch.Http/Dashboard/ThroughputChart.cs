using System.Globalization;
using System.Text;
using InternS1.Batch.Storage.Dashboard;

namespace InternS1.Batch.Http.Dashboard;

/// <summary>
/// The throughput chart as inline SVG drawn on the server (no script, nothing fetched): jobs ended per minute,
/// one <c>circle</c> per minute (with a <c>title</c> tooltip) joined by a <c>polyline</c>. The element carries
/// <c>data-points</c> = the number of minutes plotted.
/// </summary>
internal static class ThroughputChart
{
    private const double Width = 720, Height = 220, Left = 48, Right = 12, Top = 12, Bottom = 28;

    public static string Render(IReadOnlyList<ThroughputPoint> points)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"throughput-chart\" data-points=\"{points.Count}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"jobs ended per minute\">");
        if (points.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height / 2}\">no finished jobs yet</text></svg>");
            return svg.ToString();
        }
        var max = Math.Max(1, points.Max(p => p.Succeeded + p.NotSucceeded));
        double X(int i) => points.Count == 1 ? Left + (Width - Left - Right) / 2 : Left + i * (Width - Left - Right) / (points.Count - 1);
        double Y(long v) => Top + (Height - Top - Bottom) * (1 - v / (double)max);

        // axes and labels
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#8c959f\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#8c959f\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Top + 10}\" text-anchor=\"end\" font-size=\"11\">{max}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Height - Bottom}\" text-anchor=\"end\" font-size=\"11\">0</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - 8}\" font-size=\"11\">{Minute(points[0].Minute)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{Height - 8}\" text-anchor=\"end\" font-size=\"11\">{Minute(points[^1].Minute)}</text>");

        // the series: jobs ended per minute
        svg.Append("<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\" points=\"");
        for (var i = 0; i < points.Count; i++)
            svg.Append(CultureInfo.InvariantCulture, $"{X(i):0.#},{Y(points[i].Succeeded + points[i].NotSucceeded):0.#} ");
        svg.Append("\"/>");
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            svg.Append(CultureInfo.InvariantCulture,
                $"<circle class=\"point\" cx=\"{X(i):0.#}\" cy=\"{Y(p.Succeeded + p.NotSucceeded):0.#}\" r=\"2.5\" fill=\"#0969da\" data-minute=\"{Minute(p.Minute)}\" data-ended=\"{p.Succeeded + p.NotSucceeded}\">" +
                $"<title>{Minute(p.Minute)}: {p.Succeeded} succeeded, {p.NotSucceeded} other, {p.CompletionTokens} completion tokens</title></circle>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Minute(DateTime minute) => DateTime.SpecifyKind(minute, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
