using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(AgentConductor.Dashboard.Tests.Browser))]

namespace AgentConductor.Dashboard.Tests;

/// <summary>
/// One headless Debian Chromium for all the tests (a start costs seconds); each test opens its own context. Playwright
/// cannot download browsers here, so it drives the distribution's binary (<c>apt-get install chromium</c>, which
/// scripts/test.sh does). As root Chromium needs <c>--no-sandbox</c>; background networking is off, since this machine
/// refuses connections to the outside. Playwright gives the browser a fresh profile folder of its own.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (apt-get install chromium; scripts/test.sh does).");
        }

        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A fresh page in a context of its own (its own session storage), with the page's errors collected.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(Uri baseAddress)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("401", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        return (page, errors);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
