package dev.workerclass.realapp;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The queries against the rows data.sql seeds. */
@DataJpaTest
class OwnerRepositoryTests {

	@Autowired
	private OwnerRepository owners;

	@Test
	void listsSeededOwnersByLastName() {
		assertThat(this.owners.findAllByOrderByLastNameAscFirstNameAsc()).extracting(Owner::getFullName)
			.containsExactly("Betty Davis", "Harold Davis", "George Franklin", "Eduardo Rodriquez");
	}

	@Test
	void findsByLastNamePrefixIgnoringCase() {
		assertThat(this.owners.findByLastNameStartingWithIgnoreCaseOrderByLastNameAscFirstNameAsc("dav"))
			.extracting(Owner::getFirstName)
			.containsExactly("Betty", "Harold");
	}

	@Test
	void savingAssignsAnId() {
		Owner saved = this.owners.save(new Owner("Jean", "Coleman", "Monona", "6085552654"));
		assertThat(saved.getId()).isNotNull();
		assertThat(this.owners.findById(saved.getId())).get().extracting(Owner::getCity).isEqualTo("Monona");
	}

}
