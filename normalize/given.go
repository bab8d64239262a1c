package normalize

import "maps"

// hispanicGiven are the Spanish and Portuguese given names of givenNames,
// and otherGiven the rest (a name in both lists, Daniel, Victoria, is
// Hispanic): a three-part name whose first given name is another
// language's reads its middle part as a middle name, not a first surname
// (see structure).
var hispanicGiven = set(`
jose maria juan luis carlos jesus antonio manuel francisco javier miguel angel pedro pablo rafael
fernando jorge alberto alejandro ricardo eduardo roberto andres daniel david diego enrique sergio
victor raul ramon oscar arturo alfredo hector hugo ivan julio cesar mario marco martin nicolas
ignacio gabriel emilio esteban felipe gonzalo guillermo gustavo joaquin lorenzo mateo santiago
tomas vicente domingo agustin alvaro adrian samuel simon benjamin cristian cristobal sebastian
ana isabel carmen rosa teresa lucia elena laura marta sofia paula andrea patricia claudia gabriela
beatriz cristina adriana alejandra alicia angela antonia carolina catalina cecilia clara daniela
diana dolores elisa esperanza eva fernanda gloria ines irene josefa juana julia leticia lorena luisa
luz magdalena manuela margarita mariana marina mercedes monica natalia nuria pilar raquel rocio
silvia susana valentina veronica victoria ximena yolanda guadalupe
joao paulo tiago thiago rodrigo bruno lucas gustavo vitor leonardo henrique
`)

var otherGiven = func() map[string]bool {
	m := set(`john james robert michael william richard joseph thomas charles christopher daniel matthew anthony
mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey
ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon frank gregory raymond
alexander patrick jack dennis jerry tyler aaron henry adam douglas nathan peter zachary kyle walter
harold jeremy ethan carl keith roger gerald christian terry sean arthur austin noah lawrence jesse
joe bryan billy jordan albert dylan bruce willie gabriel alan juan logan wayne ralph roy eugene
louis philip bobby johnny harry lee ann anne mary jane elizabeth sarah karen nancy lisa betty
margaret sandra ashley kimberly emily donna michelle carol amanda melissa deborah stephanie rebecca
sharon laura cynthia kathleen amy shirley angela helen brenda pamela nicole emma samantha katherine
christine debra rachel catherine carolyn janet ruth maria heather diane virginia julie joyce
victoria olivia kelly christina lauren joan evelyn judith megan cheryl andrea hannah martha jacqueline
frances gloria teresa kathryn sara janice jean alice madison doris abigail julia judy grace denise
amber marilyn beverly danielle theresa sophia marie diana brittany natalie isabella charlotte rose
alexis kayla louise claire
jean pierre michel philippe alain jacques francois nicolas christophe patrick sophie nathalie
isabelle sylvie catherine francoise anne marie claude luc yves
hans peter klaus jurgen wolfgang stefan andreas thomas michael karl heinz ursula petra sabine
giuseppe giovanni francesco antonio mario luigi paolo marco andrea alessandro roberto stefano
vladimir sergei sergey alexei alexey dmitri dmitry ivan nikolai mikhail andrei yuri olga natalia
tatiana elena irina svetlana anna ekaterina
muhammad mohammed mohamed mohammad ahmad ahmed ali hasan hassan husayn hussein umar omar abd
abdul abdullah ibrahim yusuf khalid fatima aisha maryam zaynab khadija
`)
	for w := range hispanicGiven {
		delete(m, w)
	}
	return m
}()

// moreGiven are given names of English, German, Turkish, Polish, Russian
// and Arabic speakers that say a name is a person's (Party, joint
// accounts' holders, a firm named after its partners), but not, as
// otherGiven's do, that a three-part name after one has a middle name:
// Latin America gives many of them to people with two surnames (Jennifer
// Bustamante Garibay, as a payment writes it without accents).
var moreGiven = set(`
jennifer linda barbara susan jessica dorothy tiffany crystal misty tammy tina wendy dawn erin kristen
holly stacy tracy kristin tara melanie jill rhonda sherry leah kristina tanya allison courtney
whitney chelsea erica sabrina carrie connie stacey jamie ellen lori kathy cathy peggy sally joanne
norma phyllis lois bonnie amelia ava mia chloe lily zoe hailey savannah layla hazel stella violet
scarlett eleanor penelope lucy hayley jodie bethany katie kate jenny mandy vicky
randy vincent elijah mason todd shawn shane chad derek cody corey brett marcus jeffery jimmy
tony tommy danny ricky luke liam connor callum rhys declan hamish alistair nigel trevor colin
malcolm gavin ian kieran dominic oliver charlie alfie freddie archie max toby jake josh
siobhan fiona gillian eilidh niamh bethan kirsty shona morag aileen maureen eileen sheila
uwe dieter gunter helmut manfred werner gerhard horst bernd jorg rainer ralf sven tobias florian
lukas jonas niklas dirk holger matthias markus gabriele birgit karin renate helga ingrid brigitte
angelika susanne stefanie katharina lena leonie anja heike kerstin silke tanja jutta elke martina
bettina ute
mehmet ahmet huseyin ismail osman murat omer ramazan halil suleyman emre burak fatma ayse emine
hatice zeynep elif meryem ozlem
piotr krzysztof andrzej tomasz pawel marcin michal grzegorz jozef stanislaw marek lukasz wojciech
jakub dariusz rafal mariusz agnieszka katarzyna malgorzata ewa krystyna elzbieta zofia joanna
beata dorota aleksandra jadwiga iwona halina
aleksandr pavel oleg igor viktor vladislav yaroslav konstantin maxim maksim evgeny yevgeny
anatoly boris grigory leonid vasily vadim ruslan artem kirill ilya natalya nataliya lyudmila
galina yulia oksana larisa nadezhda anastasia ksenia polina daria darya alina lyubov tamara yelena
yekaterina veronika
amina amal asma hanan huda iman leila nadia noor nour rania reem salma samira yasmin zahra
`)

// givenNames are common given names across the languages Concord meets
// most: they read three-part names (in "María José García" the middle
// part is a second given name, in "Juan García López" a first surname),
// and say that a name is a person's (Party, personEvidence), that a cell
// names a joint account's two holders, and which of a file's name columns
// holds given names (IsGivenName).
var givenNames = func() map[string]bool {
	m := maps.Clone(hispanicGiven)
	maps.Copy(m, otherGiven)
	maps.Copy(m, moreGiven)
	return m
}()

// hispanicSurnames are common Spanish and Portuguese surnames: in a
// three-part name whose first given name is another language's (Kevin
// Rodríguez Pérez, common in Latin America), such a middle part is still a
// first surname.
var hispanicSurnames = set(`
garcia rodriguez gonzalez fernandez lopez martinez sanchez perez gomez martin jimenez ruiz hernandez
diaz moreno alvarez munoz romero alonso gutierrez navarro torres dominguez vazquez ramos gil ramirez
serrano blanco suarez molina morales ortega delgado castro ortiz rubio marin sanz nunez iglesias medina
garrido cortes castillo santos lozano guerrero cano prieto mendez cruz calvo gallego vidal leon marquez
herrera pena flores cabrera campos vega fuentes carrasco diez caballero reyes nieto aguilar pascual
santana herrero lorenzo montero hidalgo gimenez ibanez ferrer duran santiago benitez mora vicente
vargas arias carmona crespo roman pastor soto saez velasco moya soler parra esteban bravo gallardo
rojas silva oliveira souza sousa lima pereira ferreira almeida costa rodrigues alves ribeiro carvalho
gomes martins araujo barbosa rocha dias nascimento andrade moreira nunes marques machado mendes
freitas cardoso goncalves teixeira correia pinto vieira mendoza chavez rivera salazar aguirre acosta
quintero contreras figueroa sandoval espinoza espinosa valencia cardenas paredes maldonado zambrano
montoya osorio escobar ospina bermudez pacheco villalobos cordoba rincon quiroga becerra guzman
cabello rangel ochoa pineda meza toro zapata valdez valdes salas lara luna miranda rosales ayala
camacho cuevas duarte franco guevara ibarra leal lugo marquez mejia montes murillo navas orozco
palacios ponce quintana rivas robles salinas sosa tapia trujillo urdaneta uribe vera villa zamora
`)

// IsGivenName reports whether word, folded (Fold), is a common given name
// (givenNames): what tells a file's column of given names from its column
// of surnames.
func IsGivenName(word string) bool { return givenNames[Fold(word)] }

// IsTitle reports whether word, folded, is an honorific (Mr, Dr, Sra).
func IsTitle(word string) bool { return honorifics[Fold(word)] }
