using Microsoft.Extensions.Options;

namespace Alerts.Grains.Hosting;

/// <summary>Turns an options class's own checks into start-up failures that name the setting.</summary>
internal sealed class OptionsChecks<T>(Func<T, IEnumerable<string>> check) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var errors = check(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
