namespace InternS1.Engine.Output;

/// <summary>One request's streaming detokenizer: ids go in one at a time, text comes out once it is complete.
/// The concatenation of every <see cref="Append"/> result and <see cref="Flush"/> equals the decode of all the ids.</summary>
public interface IIncrementalDetokenizer
{
    /// <summary>Adds one output id; returns the text it completed (possibly empty, e.g. half a UTF-8 character).</summary>
    string Append(int tokenId);

    /// <summary>Returns what is still held back (an unfinished character decodes to U+FFFD).</summary>
    string Flush();
}
