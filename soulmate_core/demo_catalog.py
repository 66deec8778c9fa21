"""Real artists, their genres and one well-known track each, grouped into taste scenes.

Used only to build the offline demo population. Format: ``artist | genre; genre | track``.
"""

from __future__ import annotations

SCENES: dict[str, str] = {
    "trip hop": """
Portishead | trip hop; downtempo; bristol sound | Glory Box
Massive Attack | trip hop; bristol sound; downtempo | Teardrop
Tricky | trip hop; bristol sound | Hell Is Round the Corner
Morcheeba | trip hop; downtempo | The Sea
Zero 7 | downtempo; chillout | Destiny
Thievery Corporation | downtempo; chillout; dub | Lebanese Blonde
Bonobo | downtempo; electronica | Kerala
Air | downtempo; french electronica | La femme d'argent
Lamb | trip hop; electronica | Gabriel
Hooverphonic | trip hop; dream pop | Mad About You
Sneaker Pimps | trip hop | 6 Underground
DJ Shadow | trip hop; instrumental hip hop | Midnight in a Perfect World
""",
    "indie rock": """
Arctic Monkeys | indie rock; garage rock | Do I Wanna Know?
The Strokes | indie rock; garage rock revival | Last Nite
Radiohead | alternative rock; art rock | Paranoid Android
Arcade Fire | indie rock; baroque pop | Wake Up
The National | indie rock; chamber pop | Bloodbuzz Ohio
Interpol | indie rock; post-punk revival | Evil
Yeah Yeah Yeahs | indie rock; garage rock revival | Maps
Modest Mouse | indie rock | Float On
Vampire Weekend | indie rock; indie pop | A-Punk
The Shins | indie rock; indie pop | New Slang
Pixies | alternative rock; indie rock | Where Is My Mind?
Franz Ferdinand | indie rock; post-punk revival | Take Me Out
Tame Impala | psychedelic rock; indie rock | The Less I Know the Better
""",
    "hip hop": """
Kendrick Lamar | hip hop; west coast hip hop; conscious hip hop | HUMBLE.
Kanye West | hip hop; chicago rap | Runaway
Nas | hip hop; east coast hip hop | N.Y. State of Mind
OutKast | hip hop; southern hip hop | Ms. Jackson
A Tribe Called Quest | hip hop; jazz rap; east coast hip hop | Can I Kick It?
MF DOOM | hip hop; underground hip hop | Accordion
J. Cole | hip hop; conscious hip hop | No Role Modelz
Tyler, The Creator | hip hop; alternative hip hop | EARFQUAKE
Run the Jewels | hip hop; underground hip hop | Legend Has It
Wu-Tang Clan | hip hop; east coast hip hop | C.R.E.A.M.
Missy Elliott | hip hop; dance rap | Get Ur Freak On
Little Simz | hip hop; uk hip hop | Venom
""",
    "jazz": """
Miles Davis | jazz; cool jazz; modal jazz | So What
John Coltrane | jazz; hard bop; spiritual jazz | Naima
Bill Evans | jazz; cool jazz; jazz piano | Waltz for Debby
Thelonious Monk | jazz; bebop; jazz piano | 'Round Midnight
Charles Mingus | jazz; hard bop | Goodbye Pork Pie Hat
Kamasi Washington | jazz; spiritual jazz | The Rhythm Changes
Herbie Hancock | jazz; jazz funk | Cantaloupe Island
Nina Simone | jazz; soul jazz; vocal jazz | Feeling Good
Chet Baker | jazz; cool jazz; vocal jazz | My Funny Valentine
Alice Coltrane | jazz; spiritual jazz | Journey in Satchidananda
Snarky Puppy | jazz fusion; jazz funk | Lingus
Dave Brubeck | jazz; cool jazz | Take Five
""",
    "metal": """
Metallica | metal; thrash metal | Master of Puppets
Iron Maiden | metal; heavy metal; nwobhm | The Trooper
Black Sabbath | metal; heavy metal; doom metal | Paranoid
Slayer | metal; thrash metal | Raining Blood
Opeth | metal; progressive metal; death metal | Ghost of Perdition
Gojira | metal; progressive metal; death metal | Silvera
Mastodon | metal; progressive metal; sludge metal | Blood and Thunder
Tool | progressive metal; alternative metal | Schism
Megadeth | metal; thrash metal | Holy Wars... The Punishment Due
Judas Priest | metal; heavy metal | Painkiller
Sleep | metal; stoner metal; doom metal | Dragonaut
Ghost | metal; heavy metal | Square Hammer
""",
    "classical": """
Johann Sebastian Bach | classical; baroque | Cello Suite No. 1 in G Major
Wolfgang Amadeus Mozart | classical; classical era | Requiem in D Minor
Ludwig van Beethoven | classical; classical era; romantic | Symphony No. 9
Frédéric Chopin | classical; romantic; piano | Nocturne in E-flat Major
Claude Debussy | classical; impressionism; piano | Clair de lune
Arvo Pärt | classical; minimalism; contemporary classical | Spiegel im Spiegel
Philip Glass | minimalism; contemporary classical | Metamorphosis One
Max Richter | contemporary classical; minimalism; neoclassical | On the Nature of Daylight
Ólafur Arnalds | neoclassical; ambient; contemporary classical | Saman
Steve Reich | minimalism; contemporary classical | Music for 18 Musicians
Erik Satie | classical; impressionism; piano | Gymnopédie No. 1
Pyotr Ilyich Tchaikovsky | classical; romantic | Swan Lake
""",
    "k-pop": """
BTS | k-pop; k-pop boy group | Dynamite
BLACKPINK | k-pop; k-pop girl group | How You Like That
TWICE | k-pop; k-pop girl group | Fancy
Stray Kids | k-pop; k-pop boy group | God's Menu
NewJeans | k-pop; k-pop girl group | Hype Boy
SEVENTEEN | k-pop; k-pop boy group | Very Nice
Red Velvet | k-pop; k-pop girl group | Psycho
IU | k-pop; k-ballad | Blueming
aespa | k-pop; k-pop girl group | Next Level
BIGBANG | k-pop; k-pop boy group | Bang Bang Bang
LE SSERAFIM | k-pop; k-pop girl group | ANTIFRAGILE
""",
    "latin": """
Bad Bunny | reggaeton; latin trap; latin | Tití Me Preguntó
J Balvin | reggaeton; latin | Mi Gente
Rosalía | latin; flamenco pop; reggaeton | Malamente
Karol G | reggaeton; latin | Tusa
Daddy Yankee | reggaeton; latin | Gasolina
Shakira | latin pop; latin | Hips Don't Lie
Ozuna | reggaeton; latin trap | Taki Taki
Natalia Lafourcade | latin; latin alternative; bolero | Hasta la Raíz
Café Tacvba | latin alternative; rock en español | Eres
Bomba Estéreo | latin alternative; cumbia; electro cumbia | Soy Yo
Peso Pluma | corridos tumbados; latin | Ella Baila Sola
""",
    "folk": """
Bon Iver | indie folk; chamber folk | Skinny Love
Fleet Foxes | indie folk; chamber pop | White Winter Hymnal
Sufjan Stevens | indie folk; chamber pop | Chicago
Joni Mitchell | folk; singer-songwriter | A Case of You
Nick Drake | folk; british folk; singer-songwriter | Pink Moon
Iron & Wine | indie folk; singer-songwriter | Naked as We Came
Phoebe Bridgers | indie folk; singer-songwriter | Motion Sickness
Bob Dylan | folk; folk rock; singer-songwriter | Like a Rolling Stone
Simon & Garfunkel | folk rock; folk | The Sound of Silence
Big Thief | indie folk; indie rock | Not
Gregory Alan Isakov | indie folk; americana | The Stable Song
Leonard Cohen | folk; singer-songwriter | Hallelujah
""",
    "electronic": """
Daft Punk | french house; electronic; house | One More Time
Aphex Twin | idm; electronic; ambient techno | Windowlicker
Boards of Canada | idm; electronic; ambient | Roygbiv
Four Tet | electronic; idm; house | Baby
Burial | uk garage; dubstep; electronic | Archangel
Jamie xx | electronic; uk garage; house | Gosh
Caribou | electronic; house; psychedelic | Can't Do Without You
The Chemical Brothers | big beat; electronic | Galvanize
Kraftwerk | electronic; krautrock; synthpop | The Model
Floating Points | electronic; house; idm | Silhouettes (I, II & III)
Fred again.. | electronic; house | Delilah (pull me out of this)
Jon Hopkins | electronic; idm; ambient | Open Eye Signal
""",
    "punk": """
The Clash | punk; post-punk | London Calling
Ramones | punk; proto-punk | Blitzkrieg Bop
Sex Pistols | punk | Anarchy in the U.K.
Joy Division | post-punk; gothic rock | Love Will Tear Us Apart
Bad Religion | punk; skate punk; melodic hardcore | 21st Century (Digital Boy)
Fugazi | post-hardcore; punk | Waiting Room
Dead Kennedys | punk; hardcore punk | Holiday in Cambodia
IDLES | post-punk; punk | Never Fight a Man with a Perm
Black Flag | hardcore punk; punk | Rise Above
Bikini Kill | riot grrrl; punk | Rebel Girl
Green Day | pop punk; punk | Basket Case
Fontaines D.C. | post-punk | Boys in the Better Land
""",
    "soul & r&b": """
Aretha Franklin | soul; classic soul | Respect
Marvin Gaye | soul; motown; classic soul | What's Going On
Stevie Wonder | soul; motown; funk | Superstition
Frank Ocean | r&b; alternative r&b | Pink + White
SZA | r&b; alternative r&b | Good Days
D'Angelo | neo soul; r&b | Untitled (How Does It Feel)
Erykah Badu | neo soul; r&b | On & On
Al Green | soul; classic soul | Let's Stay Together
Solange | r&b; alternative r&b; neo soul | Cranes in the Sky
Otis Redding | soul; classic soul | (Sittin' On) The Dock of the Bay
Anderson .Paak | r&b; neo soul; funk | Come Down
Lauryn Hill | neo soul; hip hop; r&b | Doo Wop (That Thing)
""",
}

FIRST_NAMES = tuple(
    [
        "Maya",
        "Leo",
        "Aiko",
        "Noah",
        "Zara",
        "Omar",
        "Ines",
        "Felix",
        "Priya",
        "Jonas",
        "Amara",
        "Luca",
        "Sofia",
        "Kai",
        "Nadia",
        "Ezra",
        "Yuki",
        "Mateo",
        "Lena",
        "Tariq",
        "Chloe",
        "Ravi",
        "Elif",
        "Hugo",
        "Mina",
        "Sam",
        "Freya",
        "Diego",
        "Hana",
        "Idris",
        "Nora",
        "Theo",
        "Lucia",
        "Kwame",
        "Ada",
        "Milo",
        "Selin",
        "Arjun",
        "Clara",
        "Tomás",
        "Ingrid",
        "Bao",
        "Rosa",
        "Emeka",
        "Astrid",
        "Karim",
        "Julia",
        "Sven",
        "Noor",
        "Pablo",
        "Iris",
        "Dev",
        "Greta",
        "Malik",
        "Vera",
        "Hiro",
        "Zoe",
        "Anton",
        "Leila",
        "Oscar",
        "Mei",
        "Rafael",
        "Saoirse",
        "Yusuf",
        "Elena",
        "Finn",
        "Amina",
        "Joon",
        "Beatriz",
    ]
)

SURNAME_INITIALS = "ABCDEFGHIJKLMNOPRSTVWYZ"
