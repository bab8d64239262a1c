// Package nickname knows the forms a given name goes by: its short forms
// and variants, and the spellings other languages and romanisations give
// it (William, Bill, Guillermo; Yevgeny, Eugene). Comparisons read it to
// match names; blocking reads it so that names written in two forms meet.
package nickname

import "strings"

// groups are given names and their short forms and variants, the
// spellings other languages and romanisations give them among them
// (Yevgeny, Jewgeni, Eugene), one group a line, and the East Asian family
// names whose spelling in one romanisation is another's for two names
// (Wong for Wang and Huang, Tsui for Xu and Cui) or a Western name too
// (Jo for Cho), which no one phonetic code can stand for (the others code
// alike: normalize's romanisations). A name may belong to several groups
// (alex, wong).
var groups = `
alexander alex alec sandy sasha aleksandr alexandr aleksander alejandro oleksandr aliaksandr
alexandra alex sandra sasha alejandra ale
alejandro alex ale jandro
archibald archie
andrew andy drew andres andreas
anthony tony antonio anton antoine antoni tono tonio
benjamin ben benny bennie benjie benjy
catherine katherine kathryn katharine cathy kathy kate katie katy kat kit kitty cathryn kathleen katharina katarina caterina katarzyna
charles charlie chuck chas carlos siarl carl karl carlo karol
christopher chris kit cristobal
christine christina chris tina kristina kristine
daniel dan danny daniele dani
david dave davy dafydd dewi
deborah debbie deb debra
dorothy dot dottie dolly dodie
edward ed eddie eddy ted teddy ned eduardo lalo iorwerth edouard eduard edoardo
elizabeth liz lizzie lizzy beth betty bettie bess bessie betsy betsey bet lisa eliza elisabeth isabel libby elsie lisbeth elspeth
frances fran frannie francisca paca francesca
francis frank fran francisco pancho paco kiko francesco francois franz curro quico
george georgie geordie jorge georg giorgio georges
graham graeme
gregory greg gregorio goyo
henry harry hank enrique quique harri henri heinrich heinz enrico henrik hendrik kike
isabel isabella bella isabelle izzy chabela
jacob jake jakob jakub yakov jacobo
james jim jimmy jimmie jamie jem jas jaime iago giacomo
jennifer jen jenny
jessica jess jessie
john jack johnny jon juan joao giovanni gianni ioan sion johannes johann hans juancho juanito
jonathan jon jonny
joseph joe joey jos jose pepe giuseppe beppe peppe josef jozef sepp
joshua josh
kenneth ken kenny
lawrence larry laurie laurence lorenzo laurent lorenz
margaret maggie meg peggy peg marge margie madge meggie greta maisie margarita marga
matthew matt mat matty mateo matteo mathieu matthias mateusz
michael mike mick mickey miguel mikhail misha michail mykhailo michel michele michal mikael
nathan nate nat nathaniel
nicholas nick nicky nicolas nicola nikolaus klaus nico
patricia pat patty trish pati paty
patrick pat paddy
peter pete pedro pyotr petr piotr pierre pietro pieter
raymond ray ramon moncho
rebecca becky becca
richard rick dick dickie rich richie ritchie ricky ricardo riccardo rhisiart
robert bob rob bobby robbie robby bert rab rabbie roberto beto
ronald ron ronnie
samuel sam sammy
stephen steven steve stevie esteban stefan stephane stefano
susan sue susie suzy sukey susana
thomas tom tommy tommie tomas tomos tommaso
timothy tim timmy
victoria vicky tori
william bill will billy liam willy willie wilhelm willi guillermo memo gwilym guillaume guglielmo willem guille
zachary zach zack
abigail abby
albert bert bertie al alberto
alfred alf alfie fred
arthur art artie
barbara barb babs
bernard bernie barney
charlotte lottie
donald don donnie
douglas doug
edmund ed ned eddie
eleanor elinor ellie nell nellie nora
emily emmy em emmie
ernest ernie
frederick fred freddie freddy fritz friedrich federico frederic frederik
gerald gerry jerry
harold harry hal
helen nell nellie ellen
herbert herb bert
hugh hughie huw
owen owain
griffith gruffydd
llewellyn llewelyn llywelyn
isaac ike
leonard len lenny leo
louis lou lewis luis luigi ludwig
mary molly polly mae mamie minnie
oliver ollie noll
philip phil pip
reginald reg reggie
sarah sally sadie sara sal
sidney sid
stanley stan
terence terry
theodore ted teddy theo
vincent vince vinny vicente vincenzo chente
walter walt wally
winifred winnie freda
maurice mo
esther essie hester hettie hetty
cynthia cindy
jeffrey jeff geoffrey
judith judy jodie
nicole nikki
pamela pam
valerie val
victor vic
virginia ginny
gabriel gabe gabriele gabo
maximilian max
jacqueline jackie
josephine josie jo josefina fina
theresa teresa terry tess tessa tere
eugene gene
christian chris
caroline carrie lina
harriet hattie hatty henrietta
frances fanny franny
edwin ed eddie eddy ned
edgar ed eddie ned
henrietta hetty hettie etta
ann anne annie nancy nanette
jane janey jenny jennie jinny
janet jenny nettie
alice allie elsie
agnes aggie nessie nessa
amelia millie amy
mildred millie
millicent millie
matilda tilly tillie maud maude mattie
martha patty patsy mattie
gertrude gertie trudy
florence flo flossie florrie
constance connie
cecilia cissie cissy celia
cecily cissie cissy
letitia lettie letty tish
augusta gussie
adelaide addie
edith edie
emma emmy em emmie
lillian lily lil lilly
prudence pru prue
rosalind ros rosie
rose rosie
bridget bridie biddy
euphemia effie phemie
wilhelmina mina minnie
clara clare
joanna jo joanne
louisa lou lulu louise
lucinda lucy
augustus gus gussie augustine
angus gus
bartholomew bart barty
benedict ben benny
bertram bert bertie
cuthbert cuddy
cyril cy
ebenezer eben
elijah eli lige
ezekiel zeke
gerard gerry
gilbert bert
humphrey humph
isidore izzy
jeremiah jerry jem
jeremy jerry jem
montague monty
percival percy
peregrine perry
ralph rafe
randolph randy
roderick rod roddy rodrigo rodri
rudolph rudy rodolfo fito
sylvester syl
tobias toby
wilfred wilf fred
barnabas barney
howard howie
mortimer morty
abraham bram
adolfo fito
pilar pili
santiago santi chago
sebastian sebas
joaquin quino joaco
alberto beto al
manuel manolo manny emmanuel emanuel emanuele manu
jesus chucho chuy
ignacio nacho ignatius ignazio
gonzalo chalo
rosario charo
dolores lola loli
concepcion concha conchita
mercedes meche merche
josefa pepa
refugio cuca
rafael rafa raphael raffaele
guadalupe lupe lupita
alfonso poncho alphonse
luis lucho
salvador chava chavo
fernando nando
graciela chela
consuelo chelo
beatriz bea
valentina vale
gabriela gaby gabi
daniela dani
vladimir volodya vova wladimir volodymyr
dmitry dmitri dima dmitrii dmitriy
ivan vanya
ekaterina yekaterina jekaterina katya
natalia natasha natalya nataliya natalja nati
nikolai nikolay kolya mykola
sergei sergey seryozha serguei serhiy sergio checo
yuri yury yurii iurii iouri juri jurij
muhammad mohammed mohamed mohammad mohamad muhammed mehmet
ahmad ahmed ahmet
husayn hussein husein hossein hussain husain
umar omar omer
uthman othman osman
yusuf yousef youssef joseph jose
ibrahim abraham ebrahim
yevgeny evgeny evgeni evgenii evgeniy yevgeni yevgeniy jewgeni jewgenij eugene zhenya
elena yelena jelena lena
aleksei alexei alexey aleksey alyosha
andrei andrey andrej andriy andrew
fyodor fedor theodore
tatiana tatyana tatjana tanya
irina iryna
anastasia nastya
maria masha
olga olya
svetlana sveta
lyudmila ludmila liudmila lyuda
galina galya
pavel pasha
konstantin kostya
viktor vitya
anna anya
yulia yuliya iuliia julia
vasily vasiliy vasili vassili
grigory grigoriy grigori
anatoly anatoliy anatoli
vyacheslav viacheslav slava
hassan hasan
mustafa mostafa moustafa mustapha
tariq tarek tareq
yasser yasir
osama usama oussama
jamal djamel gamal
ismail ismael
khalid khaled
mahmoud mahmud
abdullah abdallah abdulla
faisal faysal feisal
walid waleed
hamid hamed
majid majed
fatima fatimah fatma
aisha aysha ayesha aicha
zainab zaynab zeinab
maryam mariam
layla leila laila leyla
khadija khadijah khadidja
hamza hamzah
huang wong hwang
wang wong
cui tsui choi choe
xu hsu tsui
cho jo
hu woo
`

// of holds each name's groups (the lines of groups it is on), and full
// the first names of those lines (Full), both read from groups once.
var of, full = func() (map[string][]int32, map[string][]string) {
	of, full := map[string][]int32{}, map[string][]string{}
	for i, line := range strings.Split(strings.TrimSpace(groups), "\n") {
		names := strings.Fields(line)
		for _, name := range names {
			of[name] = append(of[name], int32(i))
			full[name] = append(full[name], names[0])
		}
	}
	return of, full
}()

// Of reports whether a and b are the same given name in different forms
// (William, Bill; Francisco, Pancho; Mohammed, Muhammad). A name is no
// nickname of itself.
func Of(a, b string) bool {
	if a == b {
		return false
	}
	for _, g := range of[a] {
		for _, h := range of[b] {
			if g == h {
				return true
			}
		}
	}
	return false
}

// Groups returns the groups a name is in, as numbers: two names in one
// group are forms of one name (Of). Nil for a name of no group.
func Groups(name string) []int32 { return of[name] }

// Full returns the names written in full that a name is a form of, its
// groups' first names (Bill, Will and Liam: william), itself among them
// when it is one; nil for a name of no group. Two forms of one name share
// one: what blocking keys names by, so that Bill Smith meets William
// Smith. The slice is the package's own: callers read it and do not
// change it.
func Full(name string) []string { return full[name] }
