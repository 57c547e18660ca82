namespace InternS1.Text.Tokenization;

/// <summary>The <see cref="AddedTokenSplitter.MatchFilter"/> that applies a <see cref="SpecialTokenPolicy"/>: a match that
/// overlaps a content span is refused (escape) or reported (reject), unless it is one of the data tags content may use.
/// Positions arrive in increasing order, so the spans are walked once.</summary>
internal sealed class ContentTokenGuard(ContentSpan[] spans, SpecialTokenPolicy policy, IReadOnlySet<string> allowedInContent)
{
    private int _next;

    public bool Accept(int start, string content, AddedToken? token)
    {
        while (_next < spans.Length && spans[_next].End <= start) _next++;
        if (_next == spans.Length || spans[_next].Start >= start + content.Length) return true; // all template text
        if (allowedInContent.Contains(content)) return true;
        if (policy == SpecialTokenPolicy.Reject) throw new SpecialTokenInContentException(spans[_next].Source, content);
        return false;
    }
}
