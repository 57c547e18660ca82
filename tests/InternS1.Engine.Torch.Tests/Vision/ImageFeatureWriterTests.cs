using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Modeling.Vision;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

public class ImageFeatureWriterTests
{
    private const int Hidden = 3;

    /// <summary>Embedding rows filled with -1 (untouched marker).</summary>
    private static Tensor Embeddings(int rows) => full(rows, Hidden, -1f);

    /// <summary>Feature row r = [r + 0.1, r + 0.2, r + 0.3] (so every row is recognisable).</summary>
    private static Tensor Features(int rows) =>
        tensor(Enumerable.Range(0, rows).SelectMany(r => new[] { r + 0.1f, r + 0.2f, r + 0.3f }).ToArray(), [rows, Hidden]);

    private static float[] Row(Tensor embeddings, int row) => embeddings[row].data<float>().ToArray();

    private static float[] FeatureRow(int r) => [r + 0.1f, r + 0.2f, r + 0.3f];

    private static readonly float[] Untouched = [-1f, -1f, -1f];

    [Fact]
    public void Feature_rows_land_on_the_given_rows_in_order_and_nowhere_else()
    {
        using var embeddings = Embeddings(10);
        using var features = Features(6);

        ImageFeatureWriter.WriteRows(embeddings, [7, 2, 3], features, featureStartRow: 2);

        Assert.Equal(FeatureRow(2), Row(embeddings, 7));
        Assert.Equal(FeatureRow(3), Row(embeddings, 2));
        Assert.Equal(FeatureRow(4), Row(embeddings, 3));
        foreach (var row in new[] { 0, 1, 4, 5, 6, 8, 9 })
            Assert.Equal(Untouched, Row(embeddings, row));
    }

    [Fact]
    public void A_run_split_over_two_prefill_chunks_is_written_in_order_across_both()
    {
        // Run of 6 placeholders at prompt positions 103..108; chunks cover 100..105 and 106..111.
        using var features = Features(6).reshape(2, 3, Hidden); // [tiles, tokens, H] is accepted too
        using var first = Embeddings(6);
        using var second = Embeddings(6);

        var written1 = ImageFeatureWriter.WriteOverlap(first, rowBase: 0, chunkStart: 100, chunkLength: 6, runOffset: 103, features);
        var written2 = ImageFeatureWriter.WriteOverlap(second, rowBase: 0, chunkStart: 106, chunkLength: 6, runOffset: 103, features);

        Assert.Equal(3, written1);
        Assert.Equal(3, written2);
        for (var row = 0; row < 3; row++) Assert.Equal(Untouched, Row(first, row));
        for (var row = 3; row < 6; row++) Assert.Equal(FeatureRow(row - 3), Row(first, row));
        for (var row = 0; row < 3; row++) Assert.Equal(FeatureRow(row + 3), Row(second, row));
        for (var row = 3; row < 6; row++) Assert.Equal(Untouched, Row(second, row));
    }

    [Fact]
    public void A_chunk_inside_a_long_run_gets_the_middle_rows_at_its_row_base_in_a_shared_batch()
    {
        // Batch tensor: another request's 4 rows, then this chunk (positions 50..53) at row 4, then 2 more rows.
        using var embeddings = Embeddings(10);
        using var features = Features(20); // run at positions 40..59

        var written = ImageFeatureWriter.WriteOverlap(embeddings, rowBase: 4, chunkStart: 50, chunkLength: 4, runOffset: 40, features);

        Assert.Equal(4, written);
        for (var row = 0; row < 4; row++) Assert.Equal(Untouched, Row(embeddings, row));
        for (var row = 4; row < 8; row++) Assert.Equal(FeatureRow(row - 4 + 10), Row(embeddings, row));
        for (var row = 8; row < 10; row++) Assert.Equal(Untouched, Row(embeddings, row));
    }

    [Fact]
    public void A_scheduled_media_run_is_written_at_its_offset_and_must_supply_one_row_per_placeholder()
    {
        var run = new MultimodalInput
        {
            Kind = MediaKind.Image, ContentHash = "h", Offset = 5, Length = 4, NumTiles = 1, PixelValues = new float[1],
        };
        using var embeddings = Embeddings(8); // chunk = prompt positions 2..9
        using var features = Features(4);

        var written = ImageFeatureWriter.WriteOverlap(embeddings, rowBase: 0, chunkStart: 2, chunkLength: 8, run, features);

        Assert.Equal(4, written);
        for (var row = 0; row < 8; row++)
            Assert.Equal(row is >= 3 and < 7 ? FeatureRow(row - 3) : Untouched, Row(embeddings, row));
        using var tooFew = Features(3);
        Assert.Contains("4 placeholder tokens but 3 feature rows", Assert.Throws<ArgumentException>(() =>
            ImageFeatureWriter.WriteOverlap(embeddings, 0, 2, 8, run, tooFew)).Message);
    }

    [Fact]
    public void A_chunk_that_does_not_overlap_the_run_writes_nothing()
    {
        using var embeddings = Embeddings(4);
        using var features = Features(3);

        var written = ImageFeatureWriter.WriteOverlap(embeddings, 0, chunkStart: 0, chunkLength: 4, runOffset: 4, features);

        Assert.Equal(0, written);
        for (var row = 0; row < 4; row++) Assert.Equal(Untouched, Row(embeddings, row));
    }

    [Fact]
    public void Features_are_cast_to_the_embeddings_dtype()
    {
        using var embeddings = full(2, Hidden, -1f, ScalarType.BFloat16);
        using var features = tensor(new float[] { 0.5f, 1.5f, 2.5f }, [1, Hidden]);

        ImageFeatureWriter.WriteRows(embeddings, [1], features, 0);

        Assert.Equal(new float[] { 0.5f, 1.5f, 2.5f }, embeddings[1].to(ScalarType.Float32).data<float>().ToArray());
    }

    [Fact]
    public void Repeated_out_of_range_or_too_many_rows_are_refused()
    {
        using var embeddings = Embeddings(4);
        using var features = Features(3);

        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(() =>
            ImageFeatureWriter.WriteRows(embeddings, [1, 1], features, 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFeatureWriter.WriteRows(embeddings, [4], features, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFeatureWriter.WriteRows(embeddings, [0, 1], features, 2));
        Assert.Contains("embedding width 3", Assert.Throws<ArgumentException>(() =>
            ImageFeatureWriter.WriteRows(embeddings, [0], zeros(2, 5), 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ImageFeatureWriter.WriteOverlap(embeddings, rowBase: 2, chunkStart: 0, chunkLength: 3, runOffset: 0, features));
    }
}
