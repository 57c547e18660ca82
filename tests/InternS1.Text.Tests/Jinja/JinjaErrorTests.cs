using System.Text.Json.Nodes;
using InternS1.Text.Jinja;

namespace InternS1.Text.Tests.Jinja;

public class JinjaErrorTests
{
    [Fact]
    public void Unknown_statement_reports_template_line_and_column()
    {
        var e = Assert.Throws<JinjaException>(() => JinjaTemplate.Parse("line one\n  {% include 'x.j2' %}"));
        Assert.Equal(2, e.Line);
        Assert.Equal(6, e.Column);
        Assert.Contains("include", e.Message);
    }

    [Fact]
    public void Unclosed_block_is_a_syntax_error()
    {
        var e = Assert.Throws<JinjaException>(() => JinjaTemplate.Parse("{% if x %}\nyes"));
        Assert.Contains("endif", e.Message);
    }

    [Fact]
    public void Runtime_errors_carry_the_position_of_the_failing_expression()
    {
        var t = JinjaTemplate.Parse("ok\n{{ 1 + none }}");
        var e = Assert.Throws<JinjaException>(() => t.Render(new JsonObject()));
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void Raise_exception_surfaces_the_template_message()
    {
        var t = JinjaTemplate.Parse("{{ raise_exception('roles must alternate') }}");
        var e = Assert.Throws<JinjaException>(() => t.Render(new JsonObject()));
        Assert.Contains("roles must alternate", e.Message);
    }
}
