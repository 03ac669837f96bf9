using Alerts.Notifier.Hosting;
using Microsoft.Extensions.Options;

try
{
    await NotifierApp.Build(args).RunAsync();
}
catch (OptionsValidationException invalid)
{
    await Console.Error.WriteLineAsync($"alerts notifier: bad setting: {string.Join("; ", invalid.Failures)}");
    return 2;
}
return 0;
