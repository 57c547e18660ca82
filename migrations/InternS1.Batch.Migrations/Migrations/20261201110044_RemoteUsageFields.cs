using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InternS1.Batch.Migrations.Migrations
{
    /// <summary>The remote engine's accounting: <c>token_usage.cached_tokens</c> and <c>reasoning_tokens</c> become
    /// nullable (NULL = the server did not report it), <c>token_usage.reported_fields</c> (text[]: what the server
    /// reported; NULL for the local engine, which counts everything), <c>results.thinking_ignored</c>; the media check
    /// applies to the local engine's rows; <c>tokens_per_dataset_day</c> counts the jobs with known cached and
    /// reasoning tokens (<c>Sql/remote_usage_views.sql</c>).</summary>
    public partial class RemoteUsageFields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_token_usage_media_within_prompt",
                table: "token_usage");

            migrationBuilder.AlterColumn<int>(
                name: "reasoning_tokens",
                table: "token_usage",
                type: "integer",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer");

            migrationBuilder.AlterColumn<int>(
                name: "cached_tokens",
                table: "token_usage",
                type: "integer",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer");

            migrationBuilder.AddColumn<string[]>(
                name: "reported_fields",
                table: "token_usage",
                type: "text[]",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "thinking_ignored",
                table: "results",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddCheckConstraint(
                name: "ck_token_usage_media_within_prompt",
                table: "token_usage",
                sql: "reported_fields IS NOT NULL OR image_tokens + video_tokens <= prompt_tokens");

            migrationBuilder.Sql(SqlScripts.Read("remote_usage_views.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlScripts.Read("remote_usage_views_down.sql"));

            // NOTE: the old schema cannot say "not reported"; rolling back stores 0 there, as it did before, and
            // media counts of remote rows above the server's prompt count are capped so the old check holds.
            migrationBuilder.Sql("UPDATE token_usage SET cached_tokens = 0 WHERE cached_tokens IS NULL");
            migrationBuilder.Sql("UPDATE token_usage SET reasoning_tokens = 0 WHERE reasoning_tokens IS NULL");
            migrationBuilder.Sql("""
                UPDATE token_usage SET image_tokens = least(image_tokens, prompt_tokens),
                                       video_tokens = least(video_tokens, prompt_tokens - least(image_tokens, prompt_tokens))
                WHERE image_tokens + video_tokens > prompt_tokens
                """);

            migrationBuilder.DropCheckConstraint(
                name: "ck_token_usage_media_within_prompt",
                table: "token_usage");

            migrationBuilder.DropColumn(
                name: "reported_fields",
                table: "token_usage");

            migrationBuilder.DropColumn(
                name: "thinking_ignored",
                table: "results");

            migrationBuilder.AlterColumn<int>(
                name: "reasoning_tokens",
                table: "token_usage",
                type: "integer",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);

            migrationBuilder.AlterColumn<int>(
                name: "cached_tokens",
                table: "token_usage",
                type: "integer",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);

            migrationBuilder.AddCheckConstraint(
                name: "ck_token_usage_media_within_prompt",
                table: "token_usage",
                sql: "image_tokens + video_tokens <= prompt_tokens");
        }
    }
}
