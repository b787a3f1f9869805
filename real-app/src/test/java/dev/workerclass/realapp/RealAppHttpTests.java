package dev.workerclass.realapp;

import java.net.http.HttpResponse;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole app on its real server, driven over HTTP as a browser would. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class RealAppHttpTests {

	@LocalServerPort
	private int port;

	private Browser browser;

	@BeforeEach
	void openBrowser() {
		this.browser = new Browser(this.port);
	}

	@Test
	void homePageRenders() {
		HttpResponse<String> home = this.browser.get("/");
		assertThat(home.statusCode()).isEqualTo(200);
		assertThat(home.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
		assertThat(home.body()).contains("<h1>Welcome to Owners</h1>", "href=\"/owners/new\"");
	}

	@Test
	void ownersListComesFromTheDatabase() {
		HttpResponse<String> list = this.browser.get("/owners");
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains("George Franklin", "Betty Davis", "Eduardo Rodriquez", "Harold Davis");

		HttpResponse<String> davis = this.browser.get("/owners?lastName=davis");
		assertThat(davis.body()).contains("Betty Davis", "Harold Davis").doesNotContain("George Franklin");
	}

	@Test
	void ownerDetailFromModelAndViewHandler() {
		HttpResponse<String> detail = this.browser.get("/owners/1");
		assertThat(detail.statusCode()).isEqualTo(200);
		assertThat(detail.body()).contains("<h1>Owner information</h1>", "George Franklin", "Madison")
			.doesNotContain("id=\"flash\"");
	}

	@Test
	void formFromModelMapHandler() {
		HttpResponse<String> form = this.browser.get("/owners/new");
		assertThat(form.statusCode()).isEqualTo(200);
		assertThat(form.body()).contains("id=\"owner-form\"", "name=\"firstName\"", "name=\"telephone\"")
			.doesNotContain("class=\"error\"");
	}

	@Test
	void postRedirectGetShowsFlashMessageOnce() {
		HttpResponse<String> post = this.browser.postForm("/owners/new",
				Map.of("firstName", "Jean", "lastName", "Coleman", "city", "Monona", "telephone", "6085552654"));
		assertThat(post.statusCode()).isEqualTo(302);
		String location = post.headers().firstValue("Location").orElseThrow();
		assertThat(location).matches(".*/owners/\\d+");
		String path = location.replaceFirst("^https?://[^/]+", "");

		HttpResponse<String> followed = this.browser.get(path);
		assertThat(followed.statusCode()).isEqualTo(200);
		assertThat(followed.body()).contains("New owner Jean Coleman added", "Jean Coleman", "Monona");

		HttpResponse<String> again = this.browser.get(path);
		assertThat(again.body()).contains("Jean Coleman").doesNotContain("New owner Jean Coleman added");
	}

	@Test
	void invalidFormIsShownAgainWithErrors() {
		HttpResponse<String> post = this.browser.postForm("/owners/new",
				Map.of("firstName", "Jean", "lastName", "", "city", "Monona", "telephone", "12"));
		assertThat(post.statusCode()).isEqualTo(200);
		assertThat(post.body()).contains("id=\"owner-form\"", "id=\"lastName-error\"", "must not be blank",
				"id=\"telephone-error\"", "must be 10 digits", "value=\"Monona\"");
	}

	@Test
	void unknownOwnerGetsTheAppsNotFoundPage() {
		HttpResponse<String> missing = this.browser.get("/owners/4242");
		assertThat(missing.statusCode()).isEqualTo(404);
		assertThat(missing.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
		assertThat(missing.body()).contains("id=\"not-found-page\"", "Owner 4242 not found")
			.doesNotContain("Whitelabel");
	}

	@Test
	void healthIsUpWithTheWorkersIndicator() {
		HttpResponse<String> health = this.browser.get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(health.body(), "$.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health.body(), "$.components.workers.status")).isEqualTo("UP");
	}

	@Test
	void workersEndpointAnswers() {
		HttpResponse<String> workers = this.browser.get("/actuator/workers");
		assertThat(workers.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(workers.body(), "$.engine")).isEqualTo("tomcat");
		assertThat(JsonPath.<Integer>read(workers.body(), "$.capacity")).isPositive();
	}

}
