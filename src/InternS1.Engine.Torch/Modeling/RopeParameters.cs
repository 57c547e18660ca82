using System.Text.Json;
using InternS1.Engine.Torch.Checkpoints;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// Inverse frequencies and attention scaling of rotary embeddings, after transformers'
/// <c>ROPE_INIT_FUNCTIONS</c>: <c>default</c> (null rope_scaling), <c>linear</c> and <c>yarn</c>.
/// Other rope types fail with a message naming the key.
/// </summary>
public sealed record RopeParameters(double[] InverseFrequencies, double AttentionScaling, string RopeType)
{
    public static RopeParameters FromConfig(TextConfig config)
    {
        var dim = config.HeadDim;
        var theta = config.RopeTheta;
        var baseFreq = Enumerable.Range(0, dim / 2).Select(i => 1.0 / Math.Pow(theta, 2.0 * i / dim)).ToArray();
        if (config.RopeScaling is not { ValueKind: JsonValueKind.Object } scaling)
            return new RopeParameters(baseFreq, 1.0, "default");

        var type = Str(scaling, "rope_type") ?? Str(scaling, "type") ?? "default";
        switch (type)
        {
            case "default":
                return new RopeParameters(baseFreq, 1.0, type);
            case "linear":
            {
                var factor = Num(scaling, "factor") ?? throw new ModelConfigException("text_config.rope_scaling.factor is required for rope_type 'linear'");
                return new RopeParameters(baseFreq.Select(f => f / factor).ToArray(), 1.0, type);
            }
            case "yarn":
                return Yarn(config, scaling, baseFreq, dim, theta);
            default:
                throw new ModelConfigException($"text_config.rope_scaling.rope_type '{type}' is not supported (supported: default, linear, yarn)");
        }
    }

    private static RopeParameters Yarn(TextConfig config, JsonElement s, double[] baseFreq, int dim, double theta)
    {
        var factor = Num(s, "factor") ?? throw new ModelConfigException("text_config.rope_scaling.factor is required for rope_type 'yarn'");
        var original = Num(s, "original_max_position_embeddings") ?? config.MaxPositionEmbeddings;
        static double MScale(double scale, double m = 1) => scale <= 1 ? 1.0 : 0.1 * m * Math.Log(scale) + 1.0;
        var attentionFactor = Num(s, "attention_factor");
        if (attentionFactor is null)
        {
            var mscale = Num(s, "mscale");
            var mscaleAll = Num(s, "mscale_all_dim");
            attentionFactor = mscale is { } a && mscaleAll is { } b && a != 0 && b != 0 ? MScale(factor, a) / MScale(factor, b) : MScale(factor);
        }
        var betaFast = Num(s, "beta_fast") ?? 32;
        var betaSlow = Num(s, "beta_slow") ?? 1;
        var truncate = !(s.TryGetProperty("truncate", out var t) && t.ValueKind == JsonValueKind.False);
        double CorrectionDim(double rotations) => dim * Math.Log(original / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
        var low = CorrectionDim(betaFast);
        var high = CorrectionDim(betaSlow);
        if (truncate)
        {
            low = Math.Floor(low);
            high = Math.Ceiling(high);
        }
        low = Math.Max(low, 0);
        high = Math.Min(high, dim - 1);
        if (low == high) high += 0.001;
        var inv = new double[dim / 2];
        for (var i = 0; i < inv.Length; i++)
        {
            var ramp = Math.Clamp((i - low) / (high - low), 0, 1);
            var extrapolationFactor = 1 - ramp;
            var interpolation = baseFreq[i] / factor;
            inv[i] = interpolation * (1 - extrapolationFactor) + baseFreq[i] * extrapolationFactor;
        }
        return new RopeParameters(inv, attentionFactor.Value, "yarn");
    }

    private static string? Str(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Num(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
