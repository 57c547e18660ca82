using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// The one weight loader (language model, vision tower and projector alike): places checkpoint tensors
/// into a module's parameters by name (registered parameter paths are
/// checkpoint paths), tensor by tensor and chunk by chunk, converting to each parameter's dtype;
/// FP8 weights (<c>F8_E4M3</c> + <c>weight_scale_inv</c>) are dequantised on the way. Checks the
/// whole name/shape/dtype mapping first and fails once with <see cref="CheckpointMismatchException"/>.
/// </summary>
public static class WeightLoader
{
    private const string ScaleSuffix = "_scale_inv";

    /// <summary>Opens the safetensors weights of <paramref name="modelDirectory"/> and loads every parameter of
    /// <paramref name="module"/> from them (see <see cref="Load(nn.Module, SafetensorsCheckpoint, WeightLoadOptions?, ILogger?)"/>).</summary>
    public static void Load(nn.Module module, string modelDirectory, WeightLoadOptions? options = null, ILogger? logger = null)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(modelDirectory);
        Load(module, checkpoint, options, logger);
    }

    /// <summary>Loads every parameter of <paramref name="module"/> from <paramref name="checkpoint"/>.</summary>
    public static void Load(nn.Module module, SafetensorsCheckpoint checkpoint, WeightLoadOptions? options = null, ILogger? logger = null)
    {
        options ??= new WeightLoadOptions();
        logger ??= NullLogger.Instance;
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
        var match = Match(parameters.ToDictionary(p => p.Key, p => p.Value.shape, StringComparer.Ordinal), checkpoint.Tensors, options, checkpoint.ShardOf);
        foreach (var name in match.SkippedNames)
            logger.LogInformation("Checkpoint tensor {Name} is not used by the model and was skipped", name);
        if (!match.Fits)
            throw Mismatch(checkpoint.Directory, match);
        foreach (var (prefix, count) in match.SkippedByPrefix)
            logger.LogInformation("Skipped {Count} checkpoint tensors under {Prefix} (not built by this model)", count, prefix);

        using var noGrad = torch.no_grad();
        foreach (var (name, param) in parameters)
            CopyInto(param, checkpoint, checkpoint.Tensors[name], options);
    }

    /// <summary>
    /// Maps stored tensors (<paramref name="tensors"/>, e.g. <see cref="SafetensorsCheckpoint.Tensors"/>) onto
    /// parameters by name, from names, shapes and dtypes alone: what is missing, unexpected, misshaped or in an
    /// unsupported dtype, which weights are block-scaled FP8 and which tensors are skipped.
    /// <paramref name="whereMissing"/> says where a missing name was expected (default: "not in the checkpoint").
    /// </summary>
    public static WeightMatch Match(IReadOnlyDictionary<string, long[]> parameterShapes, IReadOnlyDictionary<string, SafetensorsTensorInfo> tensors,
        WeightLoadOptions? options = null, Func<string, string>? whereMissing = null)
    {
        options ??= new WeightLoadOptions();
        whereMissing ??= _ => "not in the checkpoint";
        var missing = new List<string>();
        var misshaped = new List<string>();
        var unsupported = new List<string>();
        var unexpected = new List<string>();
        var fp8 = new Dictionary<string, string>(StringComparer.Ordinal);
        var skipped = new List<string>();
        var skippedByPrefix = new Dictionary<string, int>();

        foreach (var (name, shape) in parameterShapes)
        {
            if (!tensors.TryGetValue(name, out var info))
            {
                missing.Add($"{name} {Shape(shape)} ({whereMissing(name)})");
                continue;
            }
            if (!info.Shape.SequenceEqual(shape))
                misshaped.Add($"{name}: checkpoint {info.ShapeText}, model {Shape(shape)} ({info.FileName})");
            if (info.Dtype is null or SafetensorsDtype.F8_E5M2 || (info.Dtype == SafetensorsDtype.F8_E4M3 && info.Shape.Length != 2))
                unsupported.Add($"{name}: dtype {info.DtypeName} ({info.FileName})");
            else if (info.Dtype == SafetensorsDtype.F8_E4M3)
            {
                var scaleName = name + ScaleSuffix;
                if (!tensors.TryGetValue(scaleName, out var scale))
                    unsupported.Add($"{name}: F8_E4M3 without {scaleName} ({info.FileName})");
                else if (ScaleProblem(info, scale, options) is { } problem)
                    unsupported.Add($"{name}: {problem}");
                else
                    fp8[name] = scaleName;
            }
        }
        foreach (var (name, info) in tensors)
        {
            if (parameterShapes.ContainsKey(name)) continue;
            if (name.EndsWith(ScaleSuffix, StringComparison.Ordinal) && parameterShapes.ContainsKey(name[..^ScaleSuffix.Length])) continue;
            var prefix = options.IgnoredPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal));
            if (prefix is not null)
            {
                skippedByPrefix[prefix] = skippedByPrefix.GetValueOrDefault(prefix) + 1;
                continue;
            }
            // NOTE: FP8 weights are dequantised at load and activations stay in the compute dtype, so
            // static activation scales (input_scale) are not needed; rotary inv_freq is recomputed.
            if (options.IgnoredNames.Contains(name) || name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)
                || (name.EndsWith(".input_scale", StringComparison.Ordinal) && parameterShapes.ContainsKey(name[..^".input_scale".Length] + ".weight")))
            {
                skipped.Add(name);
                continue;
            }
            unexpected.Add($"{name} {info.ShapeText} ({info.FileName})");
        }
        return new WeightMatch
        {
            Missing = missing, Unexpected = unexpected, Misshaped = misshaped, Unsupported = unsupported,
            Fp8Scales = fp8, SkippedNames = skipped, SkippedByPrefix = skippedByPrefix,
        };
    }

    /// <summary>Reads one tensor into a new CPU tensor of <paramref name="dtype"/> (FP8 dequantised).</summary>
    public static Tensor ReadTensor(SafetensorsCheckpoint checkpoint, string name, ScalarType dtype, WeightLoadOptions? options = null)
    {
        if (!checkpoint.Tensors.TryGetValue(name, out var info))
            throw new CheckpointException($"tensor '{name}' is {checkpoint.ShardOf(name)}");
        var result = torch.empty(info.Shape, dtype, torch.CPU);
        using var noGrad = torch.no_grad();
        CopyInto(result, checkpoint, info, options ?? new WeightLoadOptions());
        return result;
    }

    private static void CopyInto(Tensor destination, SafetensorsCheckpoint checkpoint, SafetensorsTensorInfo info, WeightLoadOptions options)
    {
        if (!info.Shape.SequenceEqual(destination.shape))
            throw new CheckpointException($"tensor '{info.Name}' has shape {info.ShapeText}, expected {Shape(destination.shape)} ({info.FileName})");
        if (info.ElementCount == 0) return;
        if (info.Dtype == SafetensorsDtype.F8_E4M3)
        {
            CopyFp8Into(destination, checkpoint, info, options);
            return;
        }
        var sourceType = info.Dtype?.TorchType()
            ?? throw new CheckpointException($"tensor '{info.Name}' has unsupported dtype {info.DtypeName} ({info.FileName}); supported: F32, BF16, F16, F64, F8_E4M3 (block-scaled), I64, I32, I16, I8, U8, BOOL");
        var elementSize = info.Dtype.Value.ElementSize();
        using var flat = destination.view(-1);
        var perChunk = Math.Max(1, options.MaxChunkBytes / elementSize);
        for (long start = 0; start < info.ElementCount; start += perChunk)
        {
            var count = Math.Min(perChunk, info.ElementCount - start);
            // NOTE: staged on the host (the file's bytes), then copied to the parameter's device.
            using var chunk = torch.empty(count, sourceType, torch.CPU);
            checkpoint.ReadBytes(info, start * elementSize, chunk.bytes);
            using var target = flat.narrow(0, start, count);
            target.copy_(chunk);
        }
    }

    private static void CopyFp8Into(Tensor destination, SafetensorsCheckpoint checkpoint, SafetensorsTensorInfo info, WeightLoadOptions options)
    {
        var rows = info.Shape[0];
        var cols = info.Shape[1];
        var blockRows = options.Fp8BlockSize[0];
        var blockCols = options.Fp8BlockSize[1];
        var scaleName = info.Name + ScaleSuffix;
        var scaleInfo = checkpoint.Tensors.TryGetValue(scaleName, out var s) ? s
            : throw new CheckpointException($"FP8 tensor '{info.Name}' has no '{scaleName}' ({info.FileName})");
        if (ScaleProblem(info, scaleInfo, options) is { } problem)
            throw new CheckpointException(problem);
        using var scales = ReadTensor(checkpoint, scaleName, ScalarType.Float32, options);

        // Whole row blocks per chunk, so each chunk meets its own rows of scales.
        var blocksPerChunk = Math.Max(1, options.MaxChunkBytes / (4L * cols * blockRows));
        var raw = new byte[Math.Min(rows, blocksPerChunk * blockRows) * cols];
        for (long row0 = 0, block0 = 0; row0 < rows; row0 += blocksPerChunk * blockRows, block0 += blocksPerChunk)
        {
            var n = Math.Min(blocksPerChunk * blockRows, rows - row0);
            var bytes = raw.AsSpan(0, checked((int)(n * cols)));
            checkpoint.ReadBytes(info, row0 * cols, bytes);
            using var values = torch.empty([n, cols], ScalarType.Float32, torch.CPU);
            Float8E4M3.Decode(bytes, MemoryMarshal.Cast<byte, float>(values.bytes));
            // scale rows [block0, block0 + ceil(n / blockRows)) expanded to [n, cols]
            using var blockScales = scales.narrow(0, block0, (n + blockRows - 1) / blockRows);
            using var rowScales = blockScales.repeat_interleave(blockRows, 0).narrow(0, 0, n);
            using var fullScales = rowScales.repeat_interleave(blockCols, 1).narrow(1, 0, cols);
            values.mul_(fullScales);
            using var target = destination.narrow(0, row0, n);
            target.copy_(values);
        }
    }

    /// <summary>Null when <paramref name="scale"/> is [ceil(rows/block rows), ceil(cols/block cols)] for the 2-D FP8
    /// <paramref name="weight"/>, else the problem.</summary>
    private static string? ScaleProblem(SafetensorsTensorInfo weight, SafetensorsTensorInfo scale, WeightLoadOptions options)
    {
        var (blockRows, blockCols) = (options.Fp8BlockSize[0], options.Fp8BlockSize[1]);
        long[] expected = [(weight.Shape[0] + blockRows - 1) / blockRows, (weight.Shape[1] + blockCols - 1) / blockCols];
        return scale.Shape.SequenceEqual(expected) ? null
            : $"'{scale.Name}' has shape {scale.ShapeText}, expected {Shape(expected)} for weight {weight.ShapeText} with weight_block_size [{blockRows}, {blockCols}] ({scale.FileName})";
    }

    private static CheckpointMismatchException Mismatch(string directory, WeightMatch match)
    {
        var (missing, unexpected, misshaped, unsupported) = (match.Missing, match.Unexpected, match.Misshaped, match.Unsupported);
        static string Section(string title, IReadOnlyList<string> items) =>
            items.Count == 0 ? "" : $"\n  {items.Count} {title}:{string.Concat(items.Take(8).Select(i => "\n    " + i))}{(items.Count > 8 ? $"\n    ... and {items.Count - 8} more" : "")}";
        var hint = "";
        if (missing.Count > 0 && unexpected.Count > 0)
        {
            var m = missing[0].Split(' ')[0];
            var u = unexpected[0].Split(' ')[0];
            hint = $"\n  Likely cause: the checkpoint's names do not match the model built from config.json (e.g. '{u}' vs '{m}'): check that config.json belongs to these weights (Intern-S1 uses model.language_model.*, plain Qwen3 uses model.*).";
        }
        else if (misshaped.Count > 0)
        {
            hint = "\n  Likely cause: config.json dimensions (hidden_size, intermediate_size, heads, vocab_size, ...) do not match the weights.";
        }
        var message = $"checkpoint {directory} does not fit the model:"
            + Section("missing tensors (name, model shape, shard)", missing)
            + Section("unexpected tensors", unexpected)
            + Section("tensors with the wrong shape", misshaped)
            + Section("tensors in an unsupported dtype (supported: F32, BF16, F16, F64, F8_E4M3 with weight_scale_inv)", unsupported)
            + hint;
        return new CheckpointMismatchException(message, missing, unexpected, misshaped, unsupported);
    }

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";
}
