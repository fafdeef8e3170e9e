using System.Text.Json;
using AgentConductor.Conductor.Intake;

namespace AgentConductor.Conductor.Tests.Intake;

public sealed class AdfTextTests
{
    private static string Flatten(string contentJson)
    {
        using var document = JsonDocument.Parse($$"""{"type":"doc","version":1,"content":{{contentJson}}}""");
        return AdfText.Flatten(document.RootElement);
    }

    private static string P(string text) => $$"""{"type":"paragraph","content":[{"type":"text","text":"{{text}}"}]}""";

    private static string Item(params string[] content) => $$"""{"type":"listItem","content":[{{string.Join(",", content)}}]}""";

    private static string Bullets(params string[] items) => $$"""{"type":"bulletList","content":[{{string.Join(",", items)}}]}""";

    private static string Numbered(params string[] items) => $$"""{"type":"orderedList","content":[{{string.Join(",", items)}}]}""";

    [Fact]
    public void Flatten_Paragraphs_SeparatesWithBlankLine()
    {
        Assert.Equal("First.\n\nSecond.", Flatten($"[{P("First.")},{P("Second.")}]"));
    }

    [Fact]
    public void Flatten_TextWithMarks_KeepsTextOnly()
    {
        var content = """[{"type":"paragraph","content":[{"type":"text","text":"a "},{"type":"text","text":"bold","marks":[{"type":"strong"}]}]}]""";

        Assert.Equal("a bold", Flatten(content));
    }

    [Fact]
    public void Flatten_Heading_RendersAsText()
    {
        var heading = """{"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Steps"}]}""";

        Assert.Equal("Steps\n\nDo it.", Flatten($"[{heading},{P("Do it.")}]"));
    }

    [Fact]
    public void Flatten_BulletList_PrefixesItemsWithDash()
    {
        Assert.Equal("- one\n- two", Flatten($"[{Bullets(Item(P("one")), Item(P("two")))}]"));
    }

    [Fact]
    public void Flatten_OrderedList_NumbersItems()
    {
        Assert.Equal("1. one\n2. two\n3. three", Flatten($"[{Numbered(Item(P("one")), Item(P("two")), Item(P("three")))}]"));
    }

    [Fact]
    public void Flatten_OrderedListWithOrderAttr_StartsThere()
    {
        var list = $$"""{"type":"orderedList","attrs":{"order":4},"content":[{{Item(P("d"))}},{{Item(P("e"))}}]}""";

        Assert.Equal("4. d\n5. e", Flatten($"[{list}]"));
    }

    [Fact]
    public void Flatten_NestedLists_IndentsUnderTheirItem()
    {
        var nested = Bullets(
            Item(P("a"), Bullets(Item(P("a1")), Item(P("a2"), Numbered(Item(P("deep")))))),
            Item(P("b")));

        Assert.Equal("- a\n  - a1\n  - a2\n    1. deep\n- b", Flatten($"[{nested}]"));
    }

    [Fact]
    public void Flatten_ListBetweenParagraphs_IsItsOwnBlock()
    {
        Assert.Equal("Before:\n\n1. x\n\nAfter.", Flatten($"[{P("Before:")},{Numbered(Item(P("x")))},{P("After.")}]"));
    }

    [Fact]
    public void Flatten_ListItemWithTwoParagraphs_IndentsTheSecond()
    {
        Assert.Equal("10. first\n    second", Flatten($$"""[{"type":"orderedList","attrs":{"order":10},"content":[{{Item(P("first"), P("second"))}}]}]"""));
    }

    [Fact]
    public void Flatten_CodeBlockWithLanguage_FencesWithLanguage()
    {
        var code = """{"type":"codeBlock","attrs":{"language":"csharp"},"content":[{"type":"text","text":"var x = 1;\nreturn x;"}]}""";

        Assert.Equal("Run:\n\n```csharp\nvar x = 1;\nreturn x;\n```", Flatten($"[{P("Run:")},{code}]"));
    }

    [Fact]
    public void Flatten_CodeBlockWithoutLanguage_FencesPlain()
    {
        var code = """{"type":"codeBlock","content":[{"type":"text","text":"ls -la"}]}""";

        Assert.Equal("```\nls -la\n```", Flatten($"[{code}]"));
    }

    [Fact]
    public void Flatten_Blockquote_PrefixesEveryLine()
    {
        var quote = $$"""{"type":"blockquote","content":[{{P("one")}},{{P("two")}}]}""";

        Assert.Equal("> one\n>\n> two", Flatten($"[{quote}]"));
    }

    [Fact]
    public void Flatten_HardBreak_BecomesNewline()
    {
        var content = """[{"type":"paragraph","content":[{"type":"text","text":"line 1"},{"type":"hardBreak"},{"type":"text","text":"line 2"}]}]""";

        Assert.Equal("line 1\nline 2", Flatten(content));
    }

    [Fact]
    public void Flatten_MentionEmojiAndInlineCard_UseTheirAttrs()
    {
        var content = """
            [{"type":"paragraph","content":[
              {"type":"mention","attrs":{"id":"abc","text":"@Jane"}},
              {"type":"text","text":" see "},
              {"type":"inlineCard","attrs":{"url":"https://example.com/x"}},
              {"type":"text","text":" "},
              {"type":"emoji","attrs":{"shortName":":tada:","text":"🎉"}},
              {"type":"emoji","attrs":{"shortName":":ok:"}}
            ]}]
            """;

        Assert.Equal("@Jane see https://example.com/x 🎉:ok:", Flatten(content));
    }

    [Fact]
    public void Flatten_UnknownNodes_RecurseIntoContent()
    {
        var panel = $$"""{"type":"panel","attrs":{"panelType":"info"},"content":[{{P("inside panel")}}]}""";
        var inline = """{"type":"paragraph","content":[{"type":"futureInline","content":[{"type":"text","text":"wrapped"}]}]}""";

        Assert.Equal("inside panel\n\nwrapped", Flatten($"[{panel},{inline}]"));
    }

    [Fact]
    public void Flatten_Rule_BecomesDashes()
    {
        Assert.Equal("above\n\n---\n\nbelow", Flatten($$"""[{{P("above")}},{"type":"rule"},{{P("below")}}]"""));
    }

    [Fact]
    public void Flatten_MediaWithoutText_IsDropped()
    {
        var media = """{"type":"mediaSingle","content":[{"type":"media","attrs":{"id":"1","type":"file"}}]}""";

        Assert.Equal("a\n\nb", Flatten($"[{P("a")},{media},{P("b")}]"));
    }

    [Theory]
    [InlineData("""{"type":"doc"}""", "")]
    [InlineData("""{"type":"doc","content":null}""", "")]
    [InlineData("""{"type":"doc","content":"text"}""", "")]
    [InlineData("""{"type":"doc","content":[{"type":"paragraph"}]}""", "")]
    [InlineData("""{"type":"doc","content":[{"type":"bulletList"},{"type":"codeBlock","attrs":{"language":7}}]}""", "```\n\n```")]
    [InlineData("""{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text"},{"text":"no type"},7,null,{"type":"text","text":"kept"}]}]}""", "kept")]
    [InlineData("""{"type":"doc","content":[{"type":"text","text":"loose"},{"type":"text","text":" text"}]}""", "loose text")]
    [InlineData("""{"type":"doc","content":[{"type":"bulletList","content":[{"type":"listItem"}]}]}""", "-")]
    [InlineData("[]", "")]
    [InlineData("""{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"\ud800"},{"type":"text","text":"ok"}]}]}""", "ok")]
    public void Flatten_MalformedDocuments_DoNotThrow(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, AdfText.Flatten(document.RootElement));
    }

    [Fact]
    public void Flatten_DeeplyNestedLists_DoesNotThrow()
    {
        var list = Bullets(Item(P("leaf")));
        for (var i = 0; i < 10; i++)
        {
            list = Bullets(Item(P($"level{i}"), list));
        }

        var text = Flatten($"[{list}]");

        Assert.EndsWith("- leaf", text, StringComparison.Ordinal);
        Assert.Contains("\n" + new string(' ', 20) + "- leaf", text, StringComparison.Ordinal);
    }
}
