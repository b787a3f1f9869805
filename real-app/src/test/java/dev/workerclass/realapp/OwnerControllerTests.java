package dev.workerclass.realapp;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.never;

@WebMvcTest(OwnerController.class)
class OwnerControllerTests {

	@Autowired
	private MockMvcTester mvc;

	@MockitoBean
	private OwnerRepository owners;

	@Test
	void listsOwners() {
		given(this.owners.findAllByOrderByLastNameAscFirstNameAsc())
			.willReturn(List.of(owner(1, "George", "Franklin"), owner(2, "Betty", "Davis")));

		assertThat(this.mvc.get().uri("/owners")).hasStatusOk()
			.hasViewName("owners/list")
			.bodyText()
			.contains("George Franklin", "Betty Davis", "href=\"/owners/2\"");
	}

	@Test
	void findsOwnersByLastName() {
		given(this.owners.findByLastNameStartingWithIgnoreCaseOrderByLastNameAscFirstNameAsc("dav"))
			.willReturn(List.of(owner(2, "Betty", "Davis")));

		assertThat(this.mvc.get().uri("/owners").param("lastName", "dav")).hasStatusOk()
			.bodyText()
			.contains("Betty Davis")
			.doesNotContain("No owners found");
	}

	@Test
	void showsOwnerThroughModelAndView() {
		given(this.owners.findById(1L)).willReturn(Optional.of(owner(1, "George", "Franklin")));

		assertThat(this.mvc.get().uri("/owners/1")).hasStatusOk()
			.hasViewName("owners/detail")
			.model()
			.containsKey("owner");
	}

	@Test
	void unknownOwnerIsNotFound() {
		given(this.owners.findById(42L)).willReturn(Optional.empty());

		assertThat(this.mvc.get().uri("/owners/42")).hasStatus(HttpStatus.NOT_FOUND)
			.failure()
			.isInstanceOfSatisfying(OwnerNotFoundException.class,
					(ex) -> assertThat(ex.getReason()).isEqualTo("Owner 42 not found"));
	}

	@Test
	void showsEmptyFormThroughModelMap() {
		assertThat(this.mvc.get().uri("/owners/new")).hasStatusOk()
			.hasViewName("owners/form")
			.bodyText()
			.contains("id=\"owner-form\"")
			.doesNotContain("class=\"error\"");
	}

	@Test
	void addsOwnerAndRedirectsWithFlashMessage() {
		given(this.owners.save(any(Owner.class))).willAnswer((invocation) -> {
			Owner owner = invocation.getArgument(0);
			owner.setId(7L);
			return owner;
		});

		assertThat(this.mvc.post()
			.uri("/owners/new")
			.param("firstName", "Jean")
			.param("lastName", "Coleman")
			.param("city", "Monona")
			.param("telephone", "6085552654")).hasStatus(HttpStatus.FOUND)
			.hasRedirectedUrl("/owners/7")
			.flash()
			.containsEntry("message", "New owner Jean Coleman added");
	}

	@Test
	void invalidOwnerReshowsFormWithErrors() {
		assertThat(this.mvc.post()
			.uri("/owners/new")
			.param("firstName", "Jean")
			.param("lastName", "")
			.param("city", "Monona")
			.param("telephone", "12")).hasStatusOk()
			.hasViewName("owners/form")
			.model()
			.extractingBindingResult("owner")
			.hasFieldErrors("lastName", "telephone");
		then(this.owners).should(never()).save(any());
	}

	static Owner owner(long id, String firstName, String lastName) {
		Owner owner = new Owner(firstName, lastName, "Madison", "6085551023");
		owner.setId(id);
		return owner;
	}

}
