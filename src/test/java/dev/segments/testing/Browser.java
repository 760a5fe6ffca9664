package dev.segments.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed by
 * {@code .ci/run}) for the page tests. Register it with {@code @RegisterExtension static Browser browser
 * = new Browser();}: one browser per test class, closed after it; a failing test leaves a screenshot and
 * the page's HTML in {@code target/screenshots}. Nothing here downloads a browser.
 */
public class Browser implements TestWatcher, AfterAllCallback {

    private static final Path SHOTS = Path.of("target", "screenshots");

    private ChromeDriver driver;
    private boolean loggedIn;
    private final String username;
    private final String password;

    /** A browser that logs in as the test profile's admin. */
    public Browser() {
        this(null, null);
    }

    /** A browser that logs in with these credentials (for tools run against a running app). */
    public Browser(String username, String password) {
        this.username = username;
        this.password = password;
    }

    public ChromeDriver driver() {
        if (driver == null) {
            driver = start();
        }
        return driver;
    }

    /**
     * Opens a page of the app under test, e.g. {@code open(base, "/segments")}; the first call logs the
     * browser in as the test profile's admin (see {@link TestAuth}).
     */
    public ChromeDriver open(java.net.URL base, String path) {
        String root = base.toString().replaceAll("/$", "");
        if (!loggedIn) {
            logIn(root, username == null ? TestAuth.ADMIN_USERNAME : username,
                    password == null ? TestAuth.adminPassword() : password);
        }
        driver().get(root + path);
        return driver;
    }

    /** Logs in through the login page and waits until it has gone on to the next page. */
    public void logIn(String root, String username, String password) {
        driver().get(root + "/login");
        byLabel("User name").sendKeys(username);
        byLabel("Password").sendKeys(password);
        button("Log in").click();
        waitFor(d -> d.getCurrentUrl().contains("/login") ? null : true);
        loggedIn = true;
    }

    /** The element labelled {@code label} (by {@code aria-label} or a {@code <label for>}). */
    public WebElement byLabel(String label) {
        return waitFor(d -> {
            var labelled = d.findElements(By.cssSelector("[aria-label='" + label.replace("'", "\\'") + "']"));
            for (WebElement e : labelled) {
                if (e.isDisplayed()) {
                    return e;
                }
            }
            for (WebElement l : d.findElements(By.xpath("//label[normalize-space(.)='" + label + "']"))) {
                String id = l.getAttribute("for");
                if (id != null && !id.isEmpty()) {
                    var found = d.findElements(By.id(id));
                    if (!found.isEmpty()) {
                        return found.get(0);
                    }
                }
            }
            return null;
        });
    }

    /** The first visible button or link whose text is {@code text}. */
    public WebElement button(String text) {
        return waitFor(d -> d.findElements(By.xpath("//button[normalize-space(.)='" + text + "'] | //a[normalize-space(.)='"
                + text + "'] | //input[@type='submit' and @value='" + text + "']")).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    public <T> T waitFor(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver(), Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    /** Waits until the element with this CSS selector has text matching {@code regex}. */
    public String waitForText(String css, String regex) {
        return waitFor(d -> d.findElements(By.cssSelector(css)).stream().map(WebElement::getText)
                .filter(t -> t.matches("(?s)" + regex)).findFirst().orElse(null));
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (driver == null) {
            return;
        }
        try {
            Files.createDirectories(SHOTS);
            String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getDisplayName()
                    .replaceAll("[^A-Za-z0-9]+", "_");
            Files.write(SHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
            Files.writeString(SHOTS.resolve(name + ".html"), Optional.ofNullable(driver.getPageSource()).orElse(""));
            StringBuilder console = new StringBuilder();
            driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)
                    .forEach(entry -> console.append(entry).append('\n'));
            Files.writeString(SHOTS.resolve(name + ".console.txt"), console);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not save the screenshot: " + e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (driver != null) {
            driver.quit();
            driver = null;
            loggedIn = false;
        }
    }

    private static ChromeDriver start() {
        try {
            Path profile = Files.createTempDirectory("segments-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(System.getProperty("browser.binary", "/usr/bin/chromium"));
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
            options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new java.io.File(System.getProperty("browser.driver", "/usr/bin/chromedriver")))
                    .usingAnyFreePort().build();
            return new ChromeDriver(service, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
